// Closes the NATS C library once every cluster/ test has run, so that its threads and memory
// are released before the process exits (LeakSanitizer runs these tests too).
#include <gtest/gtest.h>
#include <nats/nats.h>

namespace {

class NatsLibraryEnvironment : public ::testing::Environment {
 public:
  void TearDown() override { nats_CloseAndWait(5000); }
};

const auto* const kNatsLibraryEnvironment =
    ::testing::AddGlobalTestEnvironment(new NatsLibraryEnvironment);

}  // namespace

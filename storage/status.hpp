// Forwards the error types of common/status.hpp into sextant::storage, where storage/, api/ and
// server/ name them today (storage::Result, storage::Status, storage::Error, ErrorKind).
#pragma once

#include "common/status.hpp"

namespace sextant::storage {

using sextant::Error;
using sextant::ErrorKind;
using sextant::Result;
using sextant::Status;

}  // namespace sextant::storage

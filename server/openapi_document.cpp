// The OpenAPI document served at /openapi.json, embedded into the binary at build time (the
// build passes its absolute path as SEXTANT_OPENAPI_PATH) so the docker image needs no data
// files next to the executable.
#include "server/service_routes.hpp"

#ifndef SEXTANT_OPENAPI_PATH
#error "SEXTANT_OPENAPI_PATH must name api/openapi/openapi.json"
#endif

// clang-format off
asm(".section .rodata\n"
    ".global sextant_openapi_begin\n"
    ".balign 16\n"
    "sextant_openapi_begin:\n"
    ".incbin \"" SEXTANT_OPENAPI_PATH "\"\n"
    ".global sextant_openapi_end\n"
    "sextant_openapi_end:\n"
    ".byte 0\n"
    ".previous\n");
// clang-format on

extern "C" const char sextant_openapi_begin[];
extern "C" const char sextant_openapi_end[];

namespace sextant::server {

std::string_view openapi_document() {
  return std::string_view(sextant_openapi_begin,
                          static_cast<size_t>(sextant_openapi_end - sextant_openapi_begin));
}

}  // namespace sextant::server

// The plain-vector reader under simdjson's portable on-demand kernel (no -m options).
#define ONDEMAND_READER_NAMESPACE portable
#include "ondemand_reader.hpp"

// parse_migrate_args and the help text of `sextant migrate`.
#include "migrate/migrate_options.hpp"

#include <charconv>
#include <optional>

namespace sextant::migrate {

namespace {

bool parse_count(const std::string& text, size_t* out) {
  size_t value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size()) return false;
  *out = value;
  return true;
}

std::vector<std::string> split_names(const std::string& text) {
  std::vector<std::string> names;
  size_t start = 0;
  while (start <= text.size()) {
    size_t comma = text.find(',', start);
    if (comma == std::string::npos) comma = text.size();
    if (comma > start) names.push_back(text.substr(start, comma - start));
    start = comma + 1;
  }
  return names;
}

}  // namespace

Result<MigrateOptions> parse_migrate_args(
    const std::vector<std::string>& args,
    const std::function<std::string(const std::string&)>& environment) {
  MigrateOptions options;
  options.source.api_key = environment("SEXTANT_MIGRATE_FROM_API_KEY");
  options.target.api_key = environment("SEXTANT_MIGRATE_TO_API_KEY");
  auto fail = [](const std::string& message) { return local_error(message); };

  for (size_t i = 0; i < args.size(); ++i) {
    std::string flag = args[i];
    std::optional<std::string> inline_value;
    if (flag.rfind("--", 0) == 0) {
      size_t equals = flag.find('=');
      if (equals != std::string::npos) {
        inline_value = flag.substr(equals + 1);
        flag = flag.substr(0, equals);
      }
    }
    std::string value;
    auto take_value = [&]() -> bool {
      if (inline_value) {
        value = *inline_value;
        return true;
      }
      if (i + 1 >= args.size()) return false;
      value = args[++i];
      return true;
    };
    auto take_count = [&](size_t* out, size_t minimum) -> bool {
      return take_value() && parse_count(value, out) && *out >= minimum;
    };
    size_t number = 0;

    if (flag == "-h" || flag == "--help") {
      options.help = true;
      return options;
    } else if (flag == "--no-verify") {
      options.verify = false;
    } else if (flag == "--from" || flag == "--to" || flag == "--from-api-key" ||
               flag == "--to-api-key" || flag == "--ca-file" || flag == "--from-ca-file" ||
               flag == "--to-ca-file" || flag == "--collections" || flag == "--state" ||
               flag == "--to-storage") {
      if (!take_value()) return fail(flag + " requires a value");
      if (flag == "--from") options.source.url = value;
      if (flag == "--to") options.target.url = value;
      if (flag == "--from-api-key") options.source.api_key = value;
      if (flag == "--to-api-key") options.target.api_key = value;
      if (flag == "--ca-file" || flag == "--from-ca-file") options.source.ca_file = value;
      if (flag == "--ca-file" || flag == "--to-ca-file") options.target.ca_file = value;
      if (flag == "--collections") options.collections = split_names(value);
      if (flag == "--state") options.state_path = value;
      if (flag == "--to-storage") options.target_storage = value;
    } else if (flag == "--batch-size") {
      if (!take_count(&options.batch_size, 1)) return fail("--batch-size expects a number >= 1");
    } else if (flag == "--parallel") {
      if (!take_count(&options.parallel_collections, 1)) {
        return fail("--parallel expects a number >= 1");
      }
    } else if (flag == "--parallel-batches") {
      if (!take_count(&options.parallel_batches, 1)) {
        return fail("--parallel-batches expects a number >= 1");
      }
    } else if (flag == "--timeout") {
      if (!take_count(&number, 1)) return fail("--timeout expects seconds >= 1");
      options.source.timeout = options.target.timeout = std::chrono::seconds(number);
    } else if (flag == "--retries") {
      if (!take_count(&number, 0)) return fail("--retries expects a number >= 0");
      options.source.retries = options.target.retries = static_cast<int>(number);
    } else if (flag == "--verify-sample") {
      if (!take_count(&options.verification.sample_points, 0)) {
        return fail("--verify-sample expects a number >= 0");
      }
    } else if (flag == "--verify-searches") {
      if (!take_count(&options.verification.searches, 0)) {
        return fail("--verify-searches expects a number >= 0");
      }
    } else {
      return fail("unexpected argument '" + args[i] + "' (see sextant migrate --help)");
    }
  }
  if (options.source.url.empty()) return fail("--from URL is required");
  if (!options.target.url.empty() && !options.target_storage.empty()) {
    return fail("--to and --to-storage exclude each other");
  }
  if (options.target.url.empty() && options.target_storage.empty()) {
    return fail("--to URL (or --to-storage PATH) is required");
  }
  if (!options.target_storage.empty()) options.target.url = "storage:" + options.target_storage;
  return options;
}

bool is_grpc_url(const std::string& url) {
  return url.rfind("grpc://", 0) == 0 || url.rfind("grpcs://", 0) == 0;
}

std::string migrate_help_text() {
  return "Copy collections between two servers that speak Qdrant's REST or gRPC API (Qdrant 1.x\n"
         "or Sextant, either way round): configuration, payload indexes, shard keys, aliases and\n"
         "every point with all its vectors and payload; then verify the copy.\n"
         "\n"
         "Usage: sextant migrate --from URL --to URL [OPTIONS]\n"
         "       sextant migrate --from URL --to-storage PATH [OPTIONS]\n"
         "\n"
         "Options:\n"
         "      --from <URL>             Source server, http(s)://host:port (REST) or\n"
         "                               grpc(s)://host:port (gRPC, e.g. Qdrant's port 6334)\n"
         "      --to <URL>               Target server, http(s):// or grpc(s)://host:port\n"
         "      --to-storage <PATH>      Target Sextant storage directory, written directly\n"
         "                               (no server may be running on it)\n"
         "      --from-api-key <KEY>     API key of the source (or SEXTANT_MIGRATE_FROM_API_KEY)\n"
         "      --to-api-key <KEY>       API key of the target (or SEXTANT_MIGRATE_TO_API_KEY)\n"
         "      --ca-file <PATH>         PEM certificates to trust for both https/grpcs ends\n"
         "      --from-ca-file <PATH>    ... for the source only\n"
         "      --to-ca-file <PATH>      ... for the target only\n"
         "      --collections <A,B,..>   Copy only these collections (default: all)\n"
         "      --batch-size <N>         Points per scroll and upsert [default: 256]\n"
         "      --parallel <N>           Collections copied at once [default: 2]\n"
         "      --parallel-batches <N>   Upserts in flight per collection [default: 1]; at most\n"
         "                               N + 1 batches per collection are held in memory\n"
         "      --state <PATH>           Resumable state file [default: "
         "./sextant-migrate-state.json];\n"
         "                               rerunning with the same file continues where it stopped\n"
         "      --timeout <SECONDS>      Timeout of each connect, send and receive [default: 60]\n"
         "      --retries <N>            Retries on connection errors and 5xx, with backoff\n"
         "                               [default: 5]\n"
         "      --verify-sample <N>      Points compared field by field per collection\n"
         "                               [default: 100]\n"
         "      --verify-searches <N>    Sampled points whose vectors are searched (exact) on "
         "both\n"
         "                               sides [default: 5]\n"
         "      --no-verify              Skip the verification\n"
         "  -h, --help                   Print help\n"
         "  -V, --version                Print version\n"
         "\n"
         "Exit status: 0 copied and verified; 1 a failure or a verification mismatch; 2 a usage\n"
         "error.\n";
}

}  // namespace sextant::migrate

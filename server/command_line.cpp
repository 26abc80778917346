// Command-line parsing. Accepts both "--flag value" and "--flag=value".
#include "server/command_line.hpp"

#include <optional>
#include <string_view>

namespace sextant::server {
namespace {

// Subcommands dispatched by main(); anything else that does not start with '-' is an error.
bool is_subcommand(std::string_view word) { return word == "embed" || word == "migrate"; }

}  // namespace

CommandLine parse_command_line(const std::vector<std::string>& args) {
  CommandLine result;
  auto fail = [&result](std::string message) {
    result.action = CommandLine::Action::kError;
    result.error = std::move(message);
    return result;
  };

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
    // Takes the flag's value from "--flag=value" or from the next argument.
    auto take_value = [&](std::string* out) -> bool {
      if (inline_value) {
        *out = *inline_value;
        return true;
      }
      if (i + 1 >= args.size()) return false;
      *out = args[++i];
      return true;
    };

    if (i == 0 && is_subcommand(flag)) {
      // `sextant SUBCOMMAND --version` prints the binary's version as `sextant --version`
      // does; every other argument belongs to the subcommand.
      for (size_t j = 1; j < args.size(); ++j) {
        if (args[j] == "-V" || args[j] == "--version") {
          result.action = CommandLine::Action::kVersion;
          return result;
        }
      }
      result.action = CommandLine::Action::kSubcommand;
      result.subcommand = flag;
      result.subcommand_args.assign(args.begin() + 1, args.end());
      return result;
    }
    if (flag == "-h" || flag == "--help") {
      result.action = CommandLine::Action::kHelp;
      return result;
    }
    if (flag == "-V" || flag == "--version") {
      result.action = CommandLine::Action::kVersion;
      return result;
    }
    std::string value;
    if (flag == "--config-path") {
      if (!take_value(&value)) return fail("--config-path requires a file path");
      result.config_path = value;
    } else if (flag == "--snapshot" || flag == "--collection-snapshot") {
      if (!take_value(&value)) return fail(flag + " requires PATH:COLLECTION");
      size_t colon = value.rfind(':');
      if (colon == std::string::npos || colon == 0 || colon + 1 == value.size()) {
        return fail("--snapshot expects <snapshot_file_path>:<target_collection_name>, got '" +
                    value + "'");
      }
      result.snapshots.push_back({value.substr(0, colon), value.substr(colon + 1)});
    } else if (flag == "--storage-snapshot") {
      if (!take_value(&value)) return fail("--storage-snapshot requires a path");
      result.storage_snapshot = value;
    } else if (flag == "-f" || flag == "--force-snapshot") {
      result.force_snapshot = true;
    } else if (flag == "--disable-telemetry") {
      result.disable_telemetry = true;
    } else if (flag == "--uri" || flag == "--bootstrap") {
      if (!take_value(&value)) return fail(flag + " requires a URI");
      result.warnings.push_back(flag + " " + value +
                                " is ignored: a Sextant node joins its cluster through the NATS "
                                "servers (SEXTANT_NATS_URLS or cluster.nats.urls)");
    } else if (flag == "--reinit" || flag == "--stacktrace") {
      result.warnings.push_back(flag + " is ignored: it has no meaning for Sextant");
    } else {
      return fail("unexpected argument '" + args[i] + "' (see --help)");
    }
  }
  return result;
}

std::string help_text() {
  return "Sextant " SEXTANT_VERSION
         ": a vector search server that speaks Qdrant's REST API\n"
         "\n"
         "Usage: sextant [OPTIONS]\n"
         "       sextant embed [--host HOST] [--port PORT]\n"
         "       sextant migrate --from URL --to URL [OPTIONS]   (see sextant migrate --help)\n"
         "\n"
         "Options:\n"
         "      --config-path <PATH>       Path to an alternative configuration file\n"
         "                                 (read after config/config.yaml, config/{RUN_MODE}.yaml\n"
         "                                 and config/local.yaml; QDRANT__* variables override)\n"
         "      --snapshot <PATH:NAME>     Restore collection NAME from snapshot file PATH at\n"
         "                                 start-up (may be repeated)\n"
         "      --storage-snapshot <PATH>  Path to a snapshot of multiple collections\n"
         "  -f, --force-snapshot           Replace existing collections with the snapshots\n"
         "      --disable-telemetry        Same as telemetry_disabled: true\n"
         "      --uri <URI>                Accepted for compatibility, ignored (nodes join\n"
         "                                 through SEXTANT_NATS_URLS / cluster.nats.urls)\n"
         "      --bootstrap <URI>          Accepted for compatibility, ignored (the same)\n"
         "  -h, --help                     Print help\n"
         "  -V, --version                  Print version\n";
}

std::string version_text() {
  return "sextant " SEXTANT_VERSION " (Qdrant API " SEXTANT_QDRANT_VERSION ")\n";
}

void apply_command_line(const CommandLine& command_line, Config* config) {
  config->snapshots = command_line.snapshots;
  config->storage_snapshot = command_line.storage_snapshot;
  config->force_snapshot = command_line.force_snapshot;
  if (command_line.disable_telemetry) config->telemetry_disabled = true;
}

}  // namespace sextant::server

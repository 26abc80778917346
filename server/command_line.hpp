// The `sextant` command line, Qdrant's flags plus a subcommand slot.
//
//   sextant [--config-path FILE] [--snapshot PATH:COLLECTION]... [--storage-snapshot PATH]
//           [--force-snapshot] [--disable-telemetry] [--uri URI] [--bootstrap URI]
//   sextant --help | --version
//   sextant <subcommand> [args...]      e.g. `sextant embed --host H --port P`,
//                                       `sextant migrate --from URL --to URL`
//
// Parsing is pure: it returns what was asked for and never exits or prints.
#pragma once

#include <string>
#include <vector>

#include "server/config.hpp"

namespace sextant::server {

struct CommandLine {
  enum class Action { kRunServer, kHelp, kVersion, kSubcommand, kError };
  Action action = Action::kRunServer;

  std::optional<std::string> config_path;
  std::vector<SnapshotRestore> snapshots;
  std::optional<std::string> storage_snapshot;
  bool force_snapshot = false;
  bool disable_telemetry = false;

  std::string subcommand;                    // with kSubcommand: its name ("embed")
  std::vector<std::string> subcommand_args;  // with kSubcommand: the arguments after it
  std::string error;                         // with kError
  std::vector<std::string> warnings;         // flags accepted but ignored
};

CommandLine parse_command_line(const std::vector<std::string>& args);

std::string help_text();
std::string version_text();

// Copies the command-line choices that belong in Config (snapshots, telemetry switch).
void apply_command_line(const CommandLine& command_line, Config* config);

}  // namespace sextant::server

// Command-line parsing: Qdrant's flags, the ignored cluster flags, and subcommands.
#include "server/command_line.hpp"

#include <gtest/gtest.h>

namespace sextant::server {
namespace {

TEST(CommandLineTest, NoArgumentsRunsTheServer) {
  auto parsed = parse_command_line({});
  EXPECT_EQ(parsed.action, CommandLine::Action::kRunServer);
}

TEST(CommandLineTest, ConfigPathAndSnapshotsBothSpellings) {
  auto parsed = parse_command_line({"--config-path", "my.yaml", "--snapshot=/tmp/a.snapshot:alpha",
                                    "--snapshot", "/x:y/b.snapshot:beta", "--force-snapshot"});
  ASSERT_EQ(parsed.action, CommandLine::Action::kRunServer) << parsed.error;
  EXPECT_EQ(parsed.config_path, "my.yaml");
  ASSERT_EQ(parsed.snapshots.size(), 2u);
  EXPECT_EQ(parsed.snapshots[0].path, "/tmp/a.snapshot");
  EXPECT_EQ(parsed.snapshots[0].collection, "alpha");
  EXPECT_EQ(parsed.snapshots[1].path, "/x:y/b.snapshot");  // the last ':' separates the name
  EXPECT_EQ(parsed.snapshots[1].collection, "beta");
  EXPECT_TRUE(parsed.force_snapshot);

  Config config;
  apply_command_line(parsed, &config);
  EXPECT_EQ(config.snapshots.size(), 2u);
  EXPECT_TRUE(config.force_snapshot);
}

TEST(CommandLineTest, ClusterFlagsAreAcceptedWithAWarning) {
  auto parsed = parse_command_line({"--uri", "http://a:6335", "--bootstrap=http://b:6335"});
  ASSERT_EQ(parsed.action, CommandLine::Action::kRunServer);
  EXPECT_EQ(parsed.warnings.size(), 2u);
}

TEST(CommandLineTest, MalformedInputIsAnError) {
  EXPECT_EQ(parse_command_line({"--snapshot", "no-colon"}).action, CommandLine::Action::kError);
  EXPECT_EQ(parse_command_line({"--config-path"}).action, CommandLine::Action::kError);
  EXPECT_EQ(parse_command_line({"--bogus"}).action, CommandLine::Action::kError);
}

TEST(CommandLineTest, HelpVersionAndSubcommand) {
  EXPECT_EQ(parse_command_line({"--help"}).action, CommandLine::Action::kHelp);
  EXPECT_EQ(parse_command_line({"-V"}).action, CommandLine::Action::kVersion);
  auto embed = parse_command_line({"embed", "--host", "0.0.0.0", "--port", "7000"});
  ASSERT_EQ(embed.action, CommandLine::Action::kSubcommand);
  EXPECT_EQ(embed.subcommand, "embed");
  EXPECT_EQ(embed.subcommand_args.size(), 4u);
  EXPECT_NE(help_text().find("--config-path"), std::string::npos);
}

TEST(CommandLineTest, MigrateIsASubcommandThatOwnsItsArguments) {
  auto migrate = parse_command_line({"migrate", "--from", "http://a:6333", "--help"});
  ASSERT_EQ(migrate.action, CommandLine::Action::kSubcommand);
  EXPECT_EQ(migrate.subcommand, "migrate");
  EXPECT_EQ(migrate.subcommand_args,
            (std::vector<std::string>{"--from", "http://a:6333", "--help"}));
  EXPECT_NE(help_text().find("sextant migrate"), std::string::npos);
}

TEST(CommandLineTest, SubcommandsAnswerVersionAsTheServerDoes) {
  EXPECT_EQ(parse_command_line({"migrate", "--version"}).action, CommandLine::Action::kVersion);
  EXPECT_EQ(parse_command_line({"embed", "--port", "7000", "-V"}).action,
            CommandLine::Action::kVersion);
  EXPECT_EQ(parse_command_line({"migrate", "--from", "http://a:6333"}).action,
            CommandLine::Action::kSubcommand);
}

TEST(CommandLineTest, DisableTelemetrySetsConfig) {
  Config config;
  apply_command_line(parse_command_line({"--disable-telemetry"}), &config);
  EXPECT_TRUE(config.telemetry_disabled);
}

}  // namespace
}  // namespace sextant::server

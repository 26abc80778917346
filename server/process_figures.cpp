// Reading of the process's memory and resource figures.
#include "server/process_figures.hpp"

#include <malloc.h>
#include <sys/resource.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

namespace sextant::server {
namespace {

uint64_t count_lines(const char* path) {
  std::ifstream file(path);
  uint64_t lines = 0;
  std::string line;
  while (std::getline(file, line)) ++lines;
  return lines;
}

uint64_t count_entries(const char* directory) {
  std::error_code ec;
  uint64_t entries = 0;
  for (std::filesystem::directory_iterator it(directory, ec), end; !ec && it != end;
       it.increment(ec)) {
    ++entries;
  }
  return entries;
}

uint64_t read_number(const char* path) {
  std::ifstream file(path);
  uint64_t value = 0;
  file >> value;
  return value;
}

}  // namespace

MemoryFigures memory_figures() {
  MemoryFigures figures;
  const struct mallinfo2 info = mallinfo2();
  figures.allocated_bytes = info.uordblks + info.hblkhd;
  figures.active_bytes = info.arena + info.hblkhd;
  figures.retained_bytes = info.fordblks;
  std::ifstream statm("/proc/self/statm");
  uint64_t size_pages = 0, resident_pages = 0;
  if (statm >> size_pages >> resident_pages) {
    figures.resident_bytes = resident_pages * static_cast<uint64_t>(sysconf(_SC_PAGESIZE));
  }
  return figures;
}

ProcessFigures process_figures() {
  ProcessFigures figures;
  figures.threads = count_entries("/proc/self/task");
  figures.open_mmaps = count_lines("/proc/self/maps");
  figures.system_max_mmaps = read_number("/proc/sys/vm/max_map_count");
  figures.open_fds = count_entries("/proc/self/fd");
  struct rlimit limit {};
  if (getrlimit(RLIMIT_NOFILE, &limit) == 0) figures.max_fds = limit.rlim_cur;
  // /proc/self/stat: fields 10 (minflt) and 12 (majflt), after the parenthesised command name.
  std::ifstream stat_file("/proc/self/stat");
  std::string stat((std::istreambuf_iterator<char>(stat_file)), std::istreambuf_iterator<char>());
  const size_t close = stat.rfind(')');
  if (close != std::string::npos) {
    std::istringstream fields(stat.substr(close + 2));
    std::string field;
    for (int index = 3; fields >> field; ++index) {
      if (index == 10) figures.minor_page_faults = std::stoull(field);
      if (index == 12) {
        figures.major_page_faults = std::stoull(field);
        break;
      }
    }
  }
  return figures;
}

}  // namespace sextant::server

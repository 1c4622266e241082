// main() for fuzz targets built without libFuzzer (GCC): replays every file named on the command
// line (files or folders), then, with -max_total_time=N, feeds random inputs for N seconds.
// Prints the number of executions; an input that aborts or fails a sanitizer check is written to
// the -artifact= file (default crash-input) by a death callback.
#include <fcntl.h>
#include <sanitizer/common_interface_defs.h>
#include <unistd.h>

#include <chrono>
#include <csignal>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <random>
#include <string>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size);

namespace {

std::vector<std::uint8_t> read_file(const std::filesystem::path& path) {
  std::ifstream f(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(f), std::istreambuf_iterator<char>()};
}

// The input being run, for the death callback (a sanitizer report or an abort ends the process).
const std::vector<std::uint8_t>* g_input = nullptr;
std::string g_artifact = "crash-input";

void save_input() {
  if (g_input == nullptr) return;
  const int fd = ::open(g_artifact.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  if (fd < 0) return;
  if (::write(fd, g_input->data(), g_input->size()) < 0) std::perror("fuzz_main: write");
  ::close(fd);
  std::fprintf(stderr, "fuzz_main: input written to %s\n", g_artifact.c_str());
}

extern "C" void on_abort(int) {
  save_input();
  std::_Exit(1);
}

}  // namespace

int main(int argc, char** argv) {
  long seconds = 0;
  unsigned seed = 1;
  long executions = 0;
  __sanitizer_set_death_callback(save_input);
  std::signal(SIGABRT, on_abort);
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg.rfind("-max_total_time=", 0) == 0) {
      seconds = std::strtol(arg.c_str() + 16, nullptr, 10);
    } else if (arg.rfind("-seed=", 0) == 0) {
      seed = static_cast<unsigned>(std::strtoul(arg.c_str() + 6, nullptr, 10));
    } else if (arg.rfind("-artifact=", 0) == 0) {
      g_artifact = arg.substr(10);
    } else if (arg.rfind("-", 0) == 0) {
      continue;  // other libFuzzer flags mean nothing here
    } else if (std::filesystem::is_directory(arg)) {
      for (const auto& entry : std::filesystem::directory_iterator(arg)) {
        const auto input = read_file(entry.path());
        g_input = &input;
        LLVMFuzzerTestOneInput(input.data(), input.size());
        ++executions;
      }
    } else {
      const auto input = read_file(arg);
      g_input = &input;
      LLVMFuzzerTestOneInput(input.data(), input.size());
      ++executions;
    }
  }
  std::mt19937 rng(seed);
  const auto end = std::chrono::steady_clock::now() + std::chrono::seconds(seconds);
  std::vector<std::uint8_t> input;
  g_input = &input;
  while (std::chrono::steady_clock::now() < end) {
    for (int batch = 0; batch < 256; ++batch) {
      input.resize(rng() % 64);
      for (auto& b : input) b = static_cast<std::uint8_t>(rng());
      LLVMFuzzerTestOneInput(input.data(), input.size());
      ++executions;
    }
  }
  g_input = nullptr;
  std::printf("fuzz_main: %ld executions, no crash\n", executions);
  return 0;
}

// main() for fuzz targets built without libFuzzer (GCC): replays every file named on the command
// line (files or folders), then, with -max_total_time=N, feeds random inputs for N seconds.
// Prints the number of executions; an input that crashes is saved as crash-<n> first.
#include <chrono>
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

// Written before each random run, so a crash leaves its input behind (ASan exits the process).
void save(const std::vector<std::uint8_t>& input, const std::string& path) {
  std::ofstream f(path, std::ios::binary | std::ios::trunc);
  f.write(reinterpret_cast<const char*>(input.data()), static_cast<std::streamsize>(input.size()));
}

}  // namespace

int main(int argc, char** argv) {
  long seconds = 0;
  unsigned seed = 1;
  long executions = 0;
  std::string artifact = "crash-input";
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg.rfind("-max_total_time=", 0) == 0) {
      seconds = std::strtol(arg.c_str() + 16, nullptr, 10);
    } else if (arg.rfind("-seed=", 0) == 0) {
      seed = static_cast<unsigned>(std::strtoul(arg.c_str() + 6, nullptr, 10));
    } else if (arg.rfind("-artifact=", 0) == 0) {
      artifact = arg.substr(10);
    } else if (arg.rfind("-", 0) == 0) {
      continue;  // other libFuzzer flags mean nothing here
    } else if (std::filesystem::is_directory(arg)) {
      for (const auto& entry : std::filesystem::directory_iterator(arg)) {
        const auto input = read_file(entry.path());
        LLVMFuzzerTestOneInput(input.data(), input.size());
        ++executions;
      }
    } else {
      const auto input = read_file(arg);
      LLVMFuzzerTestOneInput(input.data(), input.size());
      ++executions;
    }
  }
  std::mt19937 rng(seed);
  const auto end = std::chrono::steady_clock::now() + std::chrono::seconds(seconds);
  std::vector<std::uint8_t> input;
  while (std::chrono::steady_clock::now() < end) {
    for (int batch = 0; batch < 256; ++batch) {
      input.resize(rng() % 64);
      for (auto& b : input) b = static_cast<std::uint8_t>(rng());
      save(input, artifact);
      LLVMFuzzerTestOneInput(input.data(), input.size());
      ++executions;
    }
  }
  std::remove(artifact.c_str());
  std::printf("fuzz_main: %ld executions, no crash\n", executions);
  return 0;
}

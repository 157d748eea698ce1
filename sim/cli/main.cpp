#include <iostream>

#include "sim/cli/cli.hpp"

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  return povsim::povsim_main(args, std::cout, std::cerr);
}

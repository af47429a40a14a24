// rtdlc: the .rtdl compiler. The command line lives in driver.cpp, so tests can run it.

#include "driver.hpp"

#include <iostream>

int main(int argc, char** argv)
{
    std::vector<std::string> args(argv + 1, argv + argc);
    return rtdl::run_rtdlc(args, std::cout, std::cerr);
}

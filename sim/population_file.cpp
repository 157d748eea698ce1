#include "sim/population_file.hpp"

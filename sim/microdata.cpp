#include "sim/microdata.hpp"

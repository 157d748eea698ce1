// Household and person microdata from CSV (docs/population.md). Placeholder: being written.
#pragma once

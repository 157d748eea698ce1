// Population files (HDF5): save a household store, load one back. Placeholder: being written.
#pragma once

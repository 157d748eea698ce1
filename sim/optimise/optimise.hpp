// `povsim optimise` (docs/optimise.md): the cheapest mix of policy levers that meets a target on a
// results measure. Every candidate runs the same replicates (common random numbers) through the
// batch runner; NLopt (a derivative-free algorithm that takes a constraint, COBYLA by default)
// minimises the total fiscal cost over the horizon subject to
//     upper one-sided `confidence` bound of mean_r(measure_r - limit_r) <= 0,
// where limit_r is the absolute limit or the share times the base scenario's measure in the same
// replicate (paired). The target is noisy: requiring the bound, not the mean, keeps a candidate
// that meets it only by luck from counting as feasible. The answer is then re-estimated on fresh
// replicates the search did not see (it was chosen on the first ones, so their noise favours it).
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "sim/batch/comparison.hpp"
#include "sim/core/registry.hpp"
#include "sim/optimise/optimise_file.hpp"

namespace povsim {

// One evaluated mix.
struct Candidate {
  std::vector<double> levers;  // in the scenario's units
  double cost = 0;             // mean over replicates of the fiscal cost over the horizon, yuan (weighted)
  double measure = 0;          // mean over replicates of the target measure
  double constraint_upper = 0; // upper one-sided bound of mean(measure - limit); <= 0: feasible
  bool feasible = false;
  bool on_frontier = false;    // no other candidate is both cheaper (or as cheap) and lower in the measure
};

struct OptimiseOptions {
  int threads = 0;  // 0: all cores
  // Under MPI: the runs shared out over the ranks (BatchOptions::distributor); every rank follows
  // the same search and returns the same result.
  JobDistributor* distributor = nullptr;
  // After each candidate: (evaluation from 1, budget, candidate).
  std::function<void(int, int, const Candidate&)> on_candidate;
  // Before the confirmation runs: (replicates).
  std::function<void(std::uint32_t)> on_confirm;
};

// Estimates (mean, se, two-sided 95 % interval) over one set of replicates.
struct MixEstimate {
  Estimate cost;                // yuan over the horizon
  Estimate measure;             // the target measure
  Estimate margin;              // measure - limit (paired with the base for a share target); <= 0 meets it
  Estimate share_of_base;       // measure / base's measure (ratio of means, delta-method interval)
  double margin_upper = 0;      // upper one-sided `confidence` bound of the margin
  bool meets_target = false;    // margin_upper <= 0
};

struct OptimiseResult {
  std::vector<Candidate> history;   // every candidate, in order
  bool found = false;               // a feasible candidate was found
  std::size_t best = 0;             // index into history of the cheapest feasible candidate (if found)
  std::string stop_reason;
  MixEstimate base_search;          // the base scenario (levers as it sets them) on the search replicates
  MixEstimate answer_search;        // the answer on the search replicates
  MixEstimate base_confirm;         // both again on the fresh replicates
  MixEstimate answer_confirm;
  std::string resolved_yaml;        // the scenario at the answer (or at the start if none was found)
  std::uint64_t seed = 0;
  double seconds = 0;
  std::size_t runs = 0;             // replicate runs in total
};

// Checks the file against its scenario (levers set as --set would set them at their bounds and
// start; the measure against the datasets a run writes) before any run, then searches. Throws
// ConfigError for bad input.
OptimiseResult optimise(const OptimiseSpec& spec, const ModelRegistry& registry, const OptimiseOptions& options);

}  // namespace povsim

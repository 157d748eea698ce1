#include "sim/parallel/mpi.hpp"

#include <mpi.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string>
#include <thread>

namespace povsim {

namespace {

void check(int code, const char* call) {
  if (code == MPI_SUCCESS) return;
  char text[MPI_MAX_ERROR_STRING];
  int length = 0;
  MPI_Error_string(code, text, &length);
  throw std::runtime_error(std::string("MPI: ") + call + " failed: " + std::string(text, static_cast<std::size_t>(length)));
}

// Rank 0's `bytes` to every rank of `comm`, in pieces of at most 1 GiB (MPI counts are int).
void broadcast_bytes(std::string& bytes, MPI_Comm comm) {
  int size = 1;
  MPI_Comm_size(comm, &size);
  if (size == 1) return;
  std::uint64_t length = bytes.size();
  check(MPI_Bcast(&length, 1, MPI_UINT64_T, 0, comm), "MPI_Bcast");
  bytes.resize(length);
  constexpr std::uint64_t kPiece = std::uint64_t{1} << 30;
  for (std::uint64_t at = 0; at < length; at += kPiece)
    check(MPI_Bcast(bytes.data() + at, static_cast<int>(std::min(kPiece, length - at)), MPI_BYTE, 0, comm), "MPI_Bcast");
}

// A job's results as bytes: its index, wall time, year count and the tallies' bytes.
void append_job(std::string& out, std::int64_t index, const JobDistributor::Job& job) {
  const std::uint64_t years = job.tallies.size();
  out.append(reinterpret_cast<const char*>(&index), sizeof index);
  out.append(reinterpret_cast<const char*>(&job.seconds), sizeof job.seconds);
  out.append(reinterpret_cast<const char*>(&years), sizeof years);
  out.append(reinterpret_cast<const char*>(job.tallies.data()), years * sizeof(YearTally));
}

// Reads one job written by append_job at `at`, advancing it.
std::int64_t read_job(const std::string& in, std::size_t& at, JobDistributor::Job& job) {
  auto take = [&](void* to, std::size_t n) {
    if (at + n > in.size()) throw std::runtime_error("MPI: a job's results arrived truncated");
    std::memcpy(to, in.data() + at, n);
    at += n;
  };
  std::int64_t index = 0;
  std::uint64_t years = 0;
  take(&index, sizeof index);
  take(&job.seconds, sizeof job.seconds);
  take(&years, sizeof years);
  if (years > (in.size() - at) / sizeof(YearTally)) throw std::runtime_error("MPI: a job's results arrived truncated");
  job.tallies.resize(years);
  take(job.tallies.data(), years * sizeof(YearTally));
  return index;
}

// MPI has no 128-bit integer: tallies of fen times weight units travel as 16-byte elements summed
// by this operation (integer addition: exact, commutative, associative).
void add_int128(void* in, void* inout, int* count, MPI_Datatype*) {
  for (int k = 0; k < *count; ++k) {
    Int128 a, b;
    std::memcpy(&a, static_cast<const char*>(in) + k * sizeof(Int128), sizeof a);
    std::memcpy(&b, static_cast<const char*>(inout) + k * sizeof(Int128), sizeof b);
    b += a;
    std::memcpy(static_cast<char*>(inout) + k * sizeof(Int128), &b, sizeof b);
  }
}

class MpiReducer final : public Reducer {
 public:
  MpiReducer() {
    check(MPI_Comm_rank(MPI_COMM_WORLD, &rank_), "MPI_Comm_rank");
    check(MPI_Comm_size(MPI_COMM_WORLD, &size_), "MPI_Comm_size");
    check(MPI_Type_contiguous(static_cast<int>(sizeof(Int128)), MPI_BYTE, &int128_), "MPI_Type_contiguous");
    check(MPI_Type_commit(&int128_), "MPI_Type_commit");
    check(MPI_Op_create(add_int128, 1, &add_int128_), "MPI_Op_create");
  }
  ~MpiReducer() override {
    MPI_Op_free(&add_int128_);
    MPI_Type_free(&int128_);
  }
  void sum(std::span<std::int64_t> values) const override {
    if (size_ > 1 && !values.empty())
      check(MPI_Allreduce(MPI_IN_PLACE, values.data(), static_cast<int>(values.size()), MPI_INT64_T, MPI_SUM,
                          MPI_COMM_WORLD),
            "MPI_Allreduce");
  }
  void sum(std::span<Int128> values) const override {
    if (size_ > 1 && !values.empty())
      check(MPI_Allreduce(MPI_IN_PLACE, values.data(), static_cast<int>(values.size()), int128_, add_int128_,
                          MPI_COMM_WORLD),
            "MPI_Allreduce");
  }
  using Reducer::sum;
  std::int64_t max(std::int64_t value) const override {
    if (size_ > 1)
      check(MPI_Allreduce(MPI_IN_PLACE, &value, 1, MPI_INT64_T, MPI_MAX, MPI_COMM_WORLD), "MPI_Allreduce");
    return value;
  }
  int part() const override { return rank_; }
  int parts() const override { return size_; }
  void barrier() const override {
    if (size_ > 1) check(MPI_Barrier(MPI_COMM_WORLD), "MPI_Barrier");
  }
  void broadcast(std::string& bytes) const override { broadcast_bytes(bytes, MPI_COMM_WORLD); }

 private:
  int rank_ = 0, size_ = 1;
  MPI_Datatype int128_;
  MPI_Op add_int128_;
};

// Dynamic scheduling of a batch's jobs: rank 0 serves requests for work from a thread of its own
// (polling, so that it costs no core while idle) and runs jobs on its worker threads too; the
// other ranks ask rank 0 for a job index, run it and send the results back. Messages travel on a
// communicator of their own, never mixed with the reducer's collectives.
class MpiJobDistributor final : public JobDistributor {
 public:
  MpiJobDistributor() {
    check(MPI_Comm_dup(MPI_COMM_WORLD, &comm_), "MPI_Comm_dup");
    MPI_Comm_set_errhandler(comm_, MPI_ERRORS_RETURN);
    MPI_Comm_rank(comm_, &rank_);
    MPI_Comm_size(comm_, &size_);
  }
  ~MpiJobDistributor() override {
    if (server_.joinable()) server_.join();
    MPI_Comm_free(&comm_);
  }
  bool coordinator() const override { return rank_ == 0; }

  void begin(std::size_t jobs, std::function<void(std::size_t, Job&&)> remote_done,
             std::function<void(const std::string&)> remote_failed) override {
    jobs_ = jobs;
    next_ = 0;
    stopped_ = false;
    remote_done_ = std::move(remote_done);
    remote_failed_ = std::move(remote_failed);
    if (rank_ == 0 && size_ > 1) server_ = std::thread([this] { serve(); });
  }

  std::optional<std::size_t> claim() override {
    if (rank_ == 0) return take();
    const std::lock_guard guard(lock_);
    std::int64_t job = 0;
    check(MPI_Send(&job, 1, MPI_INT64_T, 0, kRequest, comm_), "MPI_Send");
    check(MPI_Recv(&job, 1, MPI_INT64_T, 0, kJob, comm_, MPI_STATUS_IGNORE), "MPI_Recv");
    return job < 0 ? std::nullopt : std::optional<std::size_t>(static_cast<std::size_t>(job));
  }

  void completed(std::size_t job, const Job& results) override {
    if (rank_ == 0) return;  // the batch runner records its own jobs
    std::string bytes;
    append_job(bytes, static_cast<std::int64_t>(job), results);
    const std::lock_guard guard(lock_);
    check(MPI_Send(bytes.data(), static_cast<int>(bytes.size()), MPI_BYTE, 0, kResult, comm_), "MPI_Send");
  }

  void failed(const std::string& message) override {
    stopped_ = true;
    if (rank_ == 0) return;
    const std::string text = "rank " + std::to_string(rank_) + ": " + message;
    const std::lock_guard guard(lock_);
    check(MPI_Send(text.data(), static_cast<int>(text.size()), MPI_CHAR, 0, kFailure, comm_), "MPI_Send");
  }

  void wait_for_ranks() override {
    if (rank_ == 0) {
      if (server_.joinable()) server_.join();
    } else {
      const std::lock_guard guard(lock_);
      check(MPI_Send(nullptr, 0, MPI_BYTE, 0, kDone, comm_), "MPI_Send");
    }
  }

  void share(std::vector<Job>& results, std::string& failure) override {
    // Rank 0's verdict and every job's results, to every rank.
    std::string bytes;
    if (rank_ == 0) {
      const std::uint64_t length = failure.size();
      bytes.append(reinterpret_cast<const char*>(&length), sizeof length);
      bytes += failure;
      if (failure.empty())
        for (std::size_t j = 0; j < results.size(); ++j) append_job(bytes, static_cast<std::int64_t>(j), results[j]);
    }
    broadcast_bytes(bytes, comm_);
    if (rank_ == 0) return;
    std::uint64_t length = 0;
    std::memcpy(&length, bytes.data(), sizeof length);
    failure = bytes.substr(sizeof length, length);
    results.assign(failure.empty() ? jobs_ : 0, Job{});
    for (std::size_t at = sizeof length + length; at < bytes.size();) {
      Job job;
      const std::int64_t j = read_job(bytes, at, job);
      results.at(static_cast<std::size_t>(j)) = std::move(job);
    }
  }

 private:
  enum Tag { kRequest = 1, kJob, kResult, kFailure, kDone };

  std::optional<std::size_t> take() {
    if (stopped_) return std::nullopt;
    const std::size_t j = next_++;
    return j < jobs_ ? std::optional<std::size_t>(j) : std::nullopt;
  }

  // Rank 0's server: answers requests for work, hands results and failures to the batch runner,
  // until every other rank has said it is done.
  void serve() {
    int done = 0;
    while (done < size_ - 1) {
      int arrived = 0;
      MPI_Status status;
      check(MPI_Iprobe(MPI_ANY_SOURCE, MPI_ANY_TAG, comm_, &arrived, &status), "MPI_Iprobe");
      if (!arrived) {
        std::this_thread::sleep_for(std::chrono::microseconds(200));
        continue;
      }
      int count = 0;
      MPI_Get_count(&status, MPI_BYTE, &count);
      std::string bytes(static_cast<std::size_t>(count), '\0');
      check(MPI_Recv(bytes.data(), count, MPI_BYTE, status.MPI_SOURCE, status.MPI_TAG, comm_, MPI_STATUS_IGNORE),
            "MPI_Recv");
      switch (status.MPI_TAG) {
        case kRequest: {
          const std::optional<std::size_t> j = take();
          const std::int64_t reply = j ? static_cast<std::int64_t>(*j) : -1;
          check(MPI_Send(&reply, 1, MPI_INT64_T, status.MPI_SOURCE, kJob, comm_), "MPI_Send");
          break;
        }
        case kResult: {
          std::size_t at = 0;
          Job job;
          const std::int64_t j = read_job(bytes, at, job);
          remote_done_(static_cast<std::size_t>(j), std::move(job));
          break;
        }
        case kFailure:
          stopped_ = true;
          remote_failed_(bytes);
          break;
        case kDone:
          ++done;
          break;
        default:
          break;
      }
    }
  }

  MPI_Comm comm_;
  int rank_ = 0, size_ = 1;
  std::size_t jobs_ = 0;
  std::atomic<std::size_t> next_{0};
  std::atomic<bool> stopped_{false};
  std::function<void(std::size_t, Job&&)> remote_done_;
  std::function<void(const std::string&)> remote_failed_;
  std::thread server_;
  std::mutex lock_;  // one MPI call at a time from this rank's worker threads
};

}  // namespace

bool launched_by_mpi() {
  for (const char* name : {"OMPI_COMM_WORLD_SIZE", "PMIX_RANK", "PMI_RANK"})
    if (const char* v = std::getenv(name); v && *v) return true;
  return false;
}

MpiSession::MpiSession(int& argc, char**& argv) {
  int provided = 0;
  check(MPI_Init_thread(&argc, &argv, MPI_THREAD_SERIALIZED, &provided), "MPI_Init_thread");
  // Errors come back as codes (check() turns them into exceptions) instead of aborting the job.
  MPI_Comm_set_errhandler(MPI_COMM_WORLD, MPI_ERRORS_RETURN);
  world_ = std::make_unique<MpiReducer>();
  jobs_ = std::make_unique<MpiJobDistributor>();
  MPI_Comm node;
  check(MPI_Comm_split_type(MPI_COMM_WORLD, MPI_COMM_TYPE_SHARED, 0, MPI_INFO_NULL, &node), "MPI_Comm_split_type");
  MPI_Comm_size(node, &node_ranks_);
  MPI_Comm_free(&node);
}

MpiSession::~MpiSession() {
  jobs_.reset();
  world_.reset();
  MPI_Finalize();
}

const Reducer& MpiSession::world() const { return *world_; }
JobDistributor& MpiSession::jobs() const { return *jobs_; }

void MpiSession::abort(int status) const {
  MPI_Abort(MPI_COMM_WORLD, status);
  std::_Exit(status);  // MPI_Abort does not return; this is for the compiler and for broken launchers
}

}  // namespace povsim

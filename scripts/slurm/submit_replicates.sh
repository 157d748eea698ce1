#!/usr/bin/env bash
# Submits a scenario's N replicates as a Slurm job array (replicates.sbatch, one replicate per
# task, checkpointed and requeued on preemption or near the time limit) and a dependent job
# (merge.sbatch, --dependency=afterok on the array) that merges the parts into OUTDIR/merged.h5.
#
#   scripts/slurm/submit_replicates.sh SCENARIO OUTDIR N [povsim run args...]
#   e.g. scripts/slurm/submit_replicates.sh scenarios/baseline.yaml results/baseline_20 20 \
#            --households 2000000
#
# Prints "array_job=ID" and "merge_job=ID" on stdout (messages go to stderr). Logs go to
# OUTDIR/logs/. If any task fails for good, the merge job is cancelled (--kill-on-invalid-dep).
#
# Environment (all optional):
#   POVSIM                   the povsim binary (default: build/povsim of this checkout, else povsim on PATH)
#   POVSIM_HOUSEHOLDS        --households N for every task
#   POVSIM_CHECKPOINT_EVERY  months between periodic checkpoints (default 12)
#   POVSIM_ARRAY_LIMIT       at most this many tasks at once (sbatch --array=...%LIMIT)
#   SBATCH_PARTITION, SBATCH_TIMELIMIT, SBATCH_ACCOUNT, ...  read by sbatch itself for both jobs
# Exit status: 0 submitted; 2 bad usage; anything else: sbatch failed (nothing or only the array
# was submitted: the message says which).
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
die() { echo "submit_replicates: error: $*" >&2; exit 2; }

[ $# -ge 3 ] || die "usage: $0 SCENARIO OUTDIR N [povsim run args...]"
scenario=$1 outdir=$2 replicates=$3
shift 3
[[ $replicates =~ ^[1-9][0-9]*$ ]] || die "N must be a positive integer, got '$replicates'"
[ -f "$scenario" ] || die "scenario '$scenario' not found"
command -v sbatch >/dev/null || die "sbatch not found: run this on a Slurm submit host"

if [ -z "${POVSIM:-}" ]; then
  if [ -x "$here/../../build/povsim" ]; then POVSIM=$here/../../build/povsim
  else POVSIM=$(command -v povsim) || die "no povsim binary: build it (scripts/build.sh) or set POVSIM"
  fi
fi
[ -x "$POVSIM" ] || die "povsim binary '$POVSIM' not found or not executable"
# The jobs run from the spool directory's copy of the scripts: give them absolute paths.
POVSIM=$(realpath "$POVSIM")
scenario=$(realpath "$scenario")
mkdir -p "$outdir/logs"
outdir=$(realpath "$outdir")
"$POVSIM" validate "$scenario" >/dev/null || die "scenario $scenario is not valid (see above)"
export POVSIM

array_spec="0-$((replicates - 1))${POVSIM_ARRAY_LIMIT:+%$POVSIM_ARRAY_LIMIT}"
array_job=$(sbatch --parsable --array="$array_spec" --output="$outdir/logs/replicate_%a.out" \
  "$here/replicates.sbatch" "$scenario" "$outdir" "$replicates" "$@")
array_job=${array_job%%;*}
echo "submit_replicates: job array $array_job: replicates $array_spec of $scenario -> $outdir/parts/" >&2

if ! merge_job=$(sbatch --parsable --dependency="afterok:$array_job" --kill-on-invalid-dep=yes \
  --output="$outdir/logs/merge.out" "$here/merge.sbatch" "$outdir" "$replicates"); then
  echo "submit_replicates: error: submitting the merge job failed; the array $array_job is queued:" \
    "merge by hand later with: sbatch $here/merge.sbatch $outdir $replicates" >&2
  exit 1
fi
merge_job=${merge_job%%;*}
echo "submit_replicates: merge job $merge_job (after every task of $array_job succeeds) -> $outdir/merged.h5" >&2
echo "array_job=$array_job"
echo "merge_job=$merge_job"

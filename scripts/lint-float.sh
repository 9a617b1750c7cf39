#!/usr/bin/env bash
# lint-float.sh — fails when floating point can reach an apply path.
#
# Apply is deterministic on every machine: the same log gives the same state
# with any compiler, optimisation level, FMA setting or libm. Floating point
# breaks that (contraction, excess precision, libm differences), so no file
# that apply runs, and no header of state that is digested, may use it.
#
# The rule, mechanically:
#   An apply path is every .c and .h file under
#     src/core/ src/log/ src/engine/ src/ledger/          (the platform) and
#     src/<domain>/ for every other folder of src/ except src/api/, src/cli/
#     and src/app/                                          (the domains),
#   except
#     - a domain's adapter files, src/<domain>/http*.[ch], src/<domain>/cli*.[ch]
#       (and routes*.[ch] while a domain still calls its HTTP adapter that):
#       they run on the API and CLI threads before a command enters the log,
#       so what they compute travels in the command;
#     - a file whose opening comment (its first 40 lines) holds the marker
#       "lint-float: offline" followed by a reason: code that never runs in
#       apply (training, validation, CSV reading). Whoever adds the marker
#       says why in the same line.
#   In an apply path, after removing comments, string and character
#   literals, none of these may appear:
#     - the words float, double, long double, _Float*, NAN, INFINITY,
#       HUGE_VAL, FLT_*, DBL_*, <math.h>, <float.h>, <tgmath.h>, <fenv.h>;
#     - a call of a <math.h> function (exp, log, pow, sqrt, floor, round, ...);
#     - a floating constant (1.5, 1e9, 2.f, 0x1p3).
# Prints every violation as FILE:LINE: TEXT and exits 1 if there is one.
# Usage: scripts/lint-float.sh [ROOT]   (ROOT defaults to the repository)
set -euo pipefail
root=${1:-$(cd "$(dirname "$0")/.." && pwd)}
cd "$root"

files=()
for dir in src/*/; do
	dir=${dir%/}
	name=${dir#src/}
	case $name in api | cli | app) continue ;; esac
	while IFS= read -r -d '' f; do
		base=$(basename "$f")
		case $name in
		core | log | engine | ledger) ;;
		*) case $base in http*.[ch] | cli*.[ch] | routes*.[ch]) continue ;; esac ;;
		esac
		if head -n 40 "$f" | grep -q 'lint-float: offline'; then
			continue
		fi
		files+=("$f")
	done < <(find "$dir" -maxdepth 1 -type f \( -name '*.c' -o -name '*.h' \) -print0 | sort -z)
done

status=0
math_functions='exp|exp2|expm1|log|log2|log10|log1p|logb|pow|sqrt|cbrt|hypot|sin|cos|tan|asin|acos|atan|atan2|sinh|cosh|tanh|floor|ceil|round|lround|llround|rint|lrint|llrint|nearbyint|trunc|fabs|fmod|remainder|fma|fmin|fmax|fdim|frexp|ldexp|modf|scalbn|erf|erfc|tgamma|lgamma|isnan|isinf|isfinite|signbit|fpclassify|strtod|strtof|strtold|atof'
for f in "${files[@]}"; do
	# Blank out comments and literals but keep line numbers, then report.
	out=$(perl -0777 -ne '
		s{(/\*.*?\*/)|(//[^\n]*)|("(?:\\.|[^"\\\n])*")|('"'"'(?:\\.|[^'"'"'\\\n])*'"'"')}{
			my $m = $&; $m =~ s/[^\n]/ /g; $m }gse;
		my $n = 0;
		for my $line (split /\n/, $_, -1) {
			$n++;
			my @why;
			push @why, $1 while $line =~ /\b(float|double|_Float\d+|NAN|INFINITY|HUGE_VALF?L?|FLT_\w+|DBL_\w+|LDBL_\w+)\b/g;
			push @why, "<$1>" if $line =~ /#\s*include\s*<(math\.h|float\.h|tgmath\.h|fenv\.h)>/;
			push @why, "$1()" while $line =~ /(?<![\w.>])('"$math_functions"')\s*\(/g;
			push @why, "constant $1" while $line =~ /(?<![\w.])((?:\d+\.\d*|\.\d+)(?:[eE][-+]?\d+)?[fFlL]?|\d+[eE][-+]?\d+[fFlL]?|0[xX][\da-fA-F.]+[pP][-+]?\d+)(?![\w.])/g;
			print "$ARGV:$n: ", join(", ", @why), "\n" if @why;
		}' "$f")
	if [ -n "$out" ]; then
		echo "$out"
		status=1
	fi
done
if [ "$status" -ne 0 ]; then
	echo "lint-float: floating point in an apply path (rule at the top of scripts/lint-float.sh)" >&2
else
	echo "lint-float: ${#files[@]} apply-path files, no floating point"
fi
exit "$status"

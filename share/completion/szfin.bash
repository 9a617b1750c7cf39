# bash completion for szfin. Source it (`source share/completion/szfin.bash`) or install it as
# /usr/share/bash-completion/completions/szfin. The words come from the program's own --help
# (commands, actions, options), so completion always matches the binary being completed.
_szfin()
{
	local cur=${COMP_WORDS[COMP_CWORD]} bin=${COMP_WORDS[0]} words=
	if [[ $COMP_CWORD -eq 1 ]]; then
		words=$("$bin" --help 2>/dev/null | awk '/^  [a-z]/ { print $1 }')
		words="$words --help --version"
	elif [[ $cur == -* ]]; then
		words=$("$bin" "${COMP_WORDS[@]:1:COMP_CWORD-1}" --help 2>/dev/null |
			grep -oE -- '--[a-z][a-z0-9-]*' | sort -u)
	elif [[ $COMP_CWORD -eq 2 ]]; then
		words=$("$bin" "${COMP_WORDS[1]}" --help 2>/dev/null |
			awk '$1 == "szfin" && $3 ~ /^[a-z]/ { print $3 } $1 == "usage:" && $2 == "szfin" && $4 ~ /^[a-z]/ { print $4 }' |
			sort -u)
	fi
	if [[ -z $words ]]; then
		COMPREPLY=($(compgen -f -- "$cur"))
		return
	fi
	COMPREPLY=($(compgen -W "$words" -- "$cur"))
}
complete -F _szfin szfin

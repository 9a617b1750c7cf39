/*
 * version.h — the program's version, one place: printed by
 * `szfin --version` and exported as szfin_build_info on /metrics.
 */
#ifndef SZ_CORE_VERSION_H
#define SZ_CORE_VERSION_H

#define SZFIN_VERSION "0.14.0"

#endif

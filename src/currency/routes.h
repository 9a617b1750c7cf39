/*
 * routes.h — the handlers src/api/router.c lists for the currency and
 * contract domains, while its one table still names them (their adapters
 * are src/currency/http*.c and src/contract/http.c). Goes away when the
 * router takes each domain's route table from the composition root.
 */
#ifndef SZ_CURRENCY_ROUTES_H
#define SZ_CURRENCY_ROUTES_H

#include "contract/http.h"
#include "currency/http.h"

#endif

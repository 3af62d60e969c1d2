#ifndef POIES_CGMP_SHIM_H
#define POIES_CGMP_SHIM_H
// GMP's public mpz_* names are macros over __gmpz_*; Swift cannot import macros that expand to
// functions, so code calls the __gmpz_* symbols directly or the static inline wrappers added here.
#include <gmp.h>
#endif

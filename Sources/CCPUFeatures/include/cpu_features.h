#ifndef POIES_CPU_FEATURES_H
#define POIES_CPU_FEATURES_H

/// 1 when this CPU (and the OS's saved register state) can run code built for
/// `-target-cpu skylake-avx512`: AVX-512 F, CD, BW, DQ and VL. 0 otherwise, and on non-x86 CPUs.
int poies_cpu_supports_skylake_avx512(void);

#endif

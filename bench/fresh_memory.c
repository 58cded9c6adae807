/* What this machine charges for fresh memory: maps MB megabytes, optionally asks for
 * transparent huge pages, touches one byte per 4 KB page and prints the time.
 *   gcc -O2 -o /tmp/fresh_memory bench/fresh_memory.c && /tmp/fresh_memory 100 0 && /tmp/fresh_memory 100 1
 * golive's static run touches about 150 MB of fresh memory on helm/charts, ripgrep a few:
 * docs/benchmarks.md (eighth and ninth sessions). */
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <time.h>

int main(int argc, char **argv) {
    if (argc != 3) {
        fprintf(stderr, "usage: fresh_memory MB HUGE(0|1)\n");
        return 2;
    }
    long mb = atol(argv[1]);
    if (mb < 1 || mb > 4096) {
        fprintf(stderr, "MB must be 1..4096\n");
        return 2;
    }
    size_t n = (size_t)mb << 20;
    struct timespec a, b;
    clock_gettime(CLOCK_MONOTONIC, &a);
    char *p = mmap(0, n, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED) {
        perror("mmap");
        return 1;
    }
    if (atoi(argv[2])) madvise(p, n, MADV_HUGEPAGE);
    for (size_t i = 0; i < n; i += 4096) p[i] = 1;
    clock_gettime(CLOCK_MONOTONIC, &b);
    printf("%ld MB huge=%s: %.1f ms\n", mb, argv[2],
           (b.tv_sec - a.tv_sec) * 1e3 + (b.tv_nsec - a.tv_nsec) / 1e6);
    return 0;
}

/* tests/embedded/noheap_bad.c - the negative control of check-noheap: code
   that allocates and prints. Linked like core.o, it must fail, which proves
   the --wrap trap would catch the library doing the same. */
#include <stdio.h>
#include <stdlib.h>

void noheap_bad(void);

void noheap_bad(void)
{
    char *p = malloc(8);
    if (p != NULL)
        snprintf(p, 8, "%d", 1);
    free(p);
}

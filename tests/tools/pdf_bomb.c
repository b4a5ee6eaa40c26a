/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * pdf_bomb.c - test tool: writes the hostile PDFs of
 * tests/unit/support/pdfbomb.h to a file, for the integration tests and
 * the fuzz seeds.
 *
 *   pdf_bomb forms OUT.pdf [LEVELS [FANOUT]]     (default 7, 8)
 *   pdf_bomb files OUT.pdf [COUNT [MEGABYTES]]   (default 200, 26)
 *   pdf_bomb files-nosize OUT.pdf [COUNT [MEGABYTES]]
 *
 * The writer is the unit tests' own, compiled in here whole; linked with
 * zlib only.
 */
#include "../unit/support/pdfbomb.c"

int main(int argc, char **argv)
{
    const char *mode = argc >= 3 ? argv[1] : "";
    int a = argc > 3 ? atoi(argv[3]) : -1, b = argc > 4 ? atoi(argv[4]) : -1;
    char *pdf;
    size_t len;
    FILE *f;

    if (strcmp(mode, "forms") == 0) {
        a = a < 0 ? 7 : a;
        b = b < 0 ? 8 : b;
        if (a < 1 || a > 64 || b < 1 || b > 100)
            return 2;
        pdf = pdfbomb_forms(a, b, &len);
    } else if (strcmp(mode, "files") == 0 || strcmp(mode, "files-nosize") == 0) {
        a = a < 0 ? 200 : a;
        b = b < 0 ? 26 : b;
        if (a < 1 || a > MAX_OBJECTS - 16 || b < 1 || b > 1024)
            return 2;
        pdf = pdfbomb_files(a, b, strcmp(mode, "files") == 0, &len);
    } else {
        fprintf(stderr, "usage: pdf_bomb forms OUT.pdf [LEVELS [FANOUT]]\n"
                        "       pdf_bomb files|files-nosize OUT.pdf [COUNT [MEGABYTES]]\n");
        return 2;
    }
    if ((f = fopen(argv[2], "wb")) == NULL || fwrite(pdf, 1, len, f) != len || fclose(f) != 0)
        die(argv[2]);
    free(pdf);
    return 0;
}

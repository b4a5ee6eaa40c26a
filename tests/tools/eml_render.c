/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * eml_render.c - test tool: writes the real .eml (or PDF) of a test file
 * whose PDF attachments are text layouts (see tests/unit/support/textpdf.h),
 * so that shell tests (make accuracy, integration tests) can send it.
 *
 *   eml_render IN.eml OUT.eml     every layout block becomes a PDF
 *   eml_render --pdf IN.txt OUT.pdf
 *
 * The layout writer is the unit tests' own, compiled in here whole, since
 * tools are single files linked with nothing but libc.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../unit/support/textpdf.c"

#define INPUT_MAX (4u * 1024 * 1024)

static char *read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    char *data = malloc(INPUT_MAX + 1);

    if (f == NULL || data == NULL) {
        fprintf(stderr, "eml_render: %s: %s\n", path, strerror(errno));
        exit(1);
    }
    *len = fread(data, 1, INPUT_MAX + 1, f);
    fclose(f);
    if (*len > INPUT_MAX) {
        fprintf(stderr, "eml_render: %s: larger than %u bytes\n", path, INPUT_MAX);
        exit(1);
    }
    data[*len] = '\0';
    return data;
}

static void write_file(const char *path, const char *data, size_t len)
{
    FILE *f = fopen(path, "wb");

    if (f == NULL || fwrite(data, 1, len, f) != len || fclose(f) != 0) {
        fprintf(stderr, "eml_render: %s: %s\n", path, strerror(errno));
        exit(1);
    }
}

int main(int argc, char **argv)
{
    bool pdf_only = argc == 4 && strcmp(argv[1], "--pdf") == 0;
    size_t len, out_len;
    char *in, *out;

    if (argc != 3 && !pdf_only) {
        fprintf(stderr, "usage: eml_render IN.eml OUT.eml | eml_render --pdf IN.txt OUT.pdf\n");
        return 2;
    }
    in = read_file(argv[pdf_only ? 2 : 1], &len);
    out = pdf_only ? textpdf_render(in, len, &out_len) : textpdf_expand_eml(in, len, &out_len);
    if (out == NULL) {
        fprintf(stderr, "eml_render: %s: a %%%%PDF-LAYOUT block is not closed\n", argv[1]);
        return 1;
    }
    write_file(argv[pdf_only ? 3 : 2], out, out_len);
    free(in);
    free(out);
    return 0;
}

/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * pdfbomb.c - test support: small hostile PDFs (see pdfbomb.h). libc and
 * zlib only, so that tests/tools/pdf_bomb can include it whole.
 */
#include "pdfbomb.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <zlib.h>

#define MAX_OBJECTS 1024

struct pdf_out {
    FILE *f;
    long offsets[MAX_OBJECTS];
    int count; /* objects written, numbered from 1 */
};

static void die(const char *what)
{
    fprintf(stderr, "pdf_bomb: %s: %s\n", what, strerror(errno));
    exit(1);
}

static void put(struct pdf_out *out, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    if (vfprintf(out->f, fmt, ap) < 0)
        die("write");
    va_end(ap);
}

/* Starts object number n (objects are written in order). */
static void begin_object(struct pdf_out *out, int n)
{
    if (n != out->count + 1 || n >= MAX_OBJECTS) {
        fprintf(stderr, "pdf_bomb: object %d out of order\n", n);
        exit(1);
    }
    out->offsets[n] = ftell(out->f);
    out->count = n;
    put(out, "%d 0 obj\n", n);
}

static void stream_object(struct pdf_out *out, int n, const char *dict, const void *data, size_t len)
{
    begin_object(out, n);
    put(out, "<< %s /Length %zu >>\nstream\n", dict, len);
    if (fwrite(data, 1, len, out->f) != len)
        die("write");
    put(out, "\nendstream\nendobj\n");
}

static void finish(struct pdf_out *out)
{
    long xref = ftell(out->f);

    put(out, "xref\n0 %d\n0000000000 65535 f \n", out->count + 1);
    for (int i = 1; i <= out->count; i++)
        put(out, "%010ld 00000 n \n", out->offsets[i]);
    put(out, "trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%ld\n%%%%EOF\n", out->count + 1, xref);
}

/* Objects 1-3: catalog (with extra entries), page tree, one page whose
 * resources and content are objects 4 and 5. */
static void write_head(struct pdf_out *out, const char *catalog_extra)
{
    put(out, "%%PDF-1.7\n%%\xe2\xe3\xcf\xd3\n");
    begin_object(out, 1);
    put(out, "<< /Type /Catalog /Pages 2 0 R %s >>\nendobj\n", catalog_extra);
    begin_object(out, 2);
    put(out, "<< /Type /Pages /Kids [3 0 R] /Count 1 >>\nendobj\n");
    begin_object(out, 3);
    put(out, "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources 4 0 R /Contents 5 0 R >>\n"
             "endobj\n");
}

/* Forms: object 6 is a font, 7.. the forms X0..X(levels-1). */
static void write_forms(struct pdf_out *out, int levels, int fanout)
{
    char content[4096];

    write_head(out, "");
    begin_object(out, 4);
    put(out, "<< /Font << /F1 6 0 R >> /XObject << /X0 7 0 R >> >>\nendobj\n");
    snprintf(content, sizeof content, "/X0 Do\n");
    stream_object(out, 5, "", content, strlen(content));
    begin_object(out, 6);
    put(out, "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>\nendobj\n");
    for (int k = 0; k < levels; k++) {
        size_t len = 0;
        char dict[256];

        if (k + 1 < levels) {
            for (int i = 0; i < fanout && len + 32 < sizeof content; i++)
                len += (size_t)snprintf(content + len, sizeof content - len, "1 0 0 1 0.1 0.1 cm /X%d Do\n",
                                        k + 1);
            snprintf(dict, sizeof dict,
                     "/Type /XObject /Subtype /Form /BBox [0 0 595 842] /Resources << /Font << /F1 6 0 R >> "
                     "/XObject << /X%d %d 0 R >> >>",
                     k + 1, 8 + k);
        } else {
            len = (size_t)snprintf(content, sizeof content, "BT /F1 9 Tf 20 800 Td (Facture 42 Total 10,00) Tj ET\n");
            snprintf(dict, sizeof dict,
                     "/Type /XObject /Subtype /Form /BBox [0 0 595 842] /Resources << /Font << /F1 6 0 R >> >>");
        }
        stream_object(out, 7 + k, dict, content, len);
    }
    finish(out);
}

/* Deflates megabytes of an XML-looking document made mostly of spaces. */
static unsigned char *deflate_filler(size_t megabytes, size_t *out_len, size_t *plain_len)
{
    static const char head[] = "<?xml version=\"1.0\"?>\n<rsm:CrossIndustryInvoice>";
    static const char tail[] = "</rsm:CrossIndustryInvoice>\n";
    size_t total = megabytes * 1000 * 1000;
    unsigned char *plain = malloc(total);
    uLongf bound = compressBound(total);
    unsigned char *packed = malloc(bound);

    if (plain == NULL || packed == NULL || total < sizeof head + sizeof tail)
        die("malloc");
    memset(plain, ' ', total);
    memcpy(plain, head, sizeof head - 1);
    memcpy(plain + total - (sizeof tail - 1), tail, sizeof tail - 1);
    if (compress2(packed, &bound, plain, total, 9) != Z_OK) {
        fprintf(stderr, "pdf_bomb: deflate failed\n");
        exit(1);
    }
    free(plain);
    *out_len = bound;
    *plain_len = total;
    return packed;
}

/* Files: object 6 the shared stream, 7 the name tree, 8.. the file specs. */
static void write_files(struct pdf_out *out, int count, size_t megabytes, int declare_size)
{
    size_t packed_len, plain_len;
    unsigned char *packed = deflate_filler(megabytes, &packed_len, &plain_len);
    char dict[128];

    write_head(out, "/Names << /EmbeddedFiles 7 0 R >>");
    begin_object(out, 4);
    put(out, "<< /Font << /F1 << /Type /Font /Subtype /Type1 /BaseFont /Helvetica >> >> >>\nendobj\n");
    stream_object(out, 5, "", "BT /F1 12 Tf 72 760 Td (Attachments) Tj ET\n", 44);
    /* Without /Params /Size a reader cannot skip the file undecoded. */
    if (declare_size)
        snprintf(dict, sizeof dict,
                 "/Type /EmbeddedFile /Subtype /text#2Fxml /Filter /FlateDecode /Params << /Size %zu >>", plain_len);
    else
        snprintf(dict, sizeof dict, "/Type /EmbeddedFile /Subtype /text#2Fxml /Filter /FlateDecode");
    stream_object(out, 6, dict, packed, packed_len);
    free(packed);
    begin_object(out, 7);
    put(out, "<< /Names [");
    for (int i = 0; i < count; i++)
        put(out, " (f%04d.xml) %d 0 R", i, 8 + i);
    put(out, " ] >>\nendobj\n");
    for (int i = 0; i < count; i++) {
        begin_object(out, 8 + i);
        put(out, "<< /Type /Filespec /F (f%04d.xml) /UF (f%04d.xml) /EF << /F 6 0 R >> >>\nendobj\n", i, i);
    }
    finish(out);
}

/* Ends a PDF written into memory: the stream's buffer. */
static char *in_memory(struct pdf_out *out, char *const *data)
{
    if (fclose(out->f) != 0)
        die("close");
    return *data;
}

char *pdfbomb_forms(int levels, int fanout, size_t *len)
{
    struct pdf_out out = {0};
    char *data = NULL;

    if ((out.f = open_memstream(&data, len)) == NULL)
        die("open_memstream");
    write_forms(&out, levels, fanout);
    return in_memory(&out, &data);
}

char *pdfbomb_files(int count, int megabytes, int declare_size, size_t *len)
{
    struct pdf_out out = {0};
    char *data = NULL;

    if ((out.f = open_memstream(&data, len)) == NULL)
        die("open_memstream");
    write_files(&out, count, (size_t)megabytes, declare_size);
    return in_memory(&out, &data);
}

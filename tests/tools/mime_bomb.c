/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * mime_bomb.c - test tool: writes to stdout a message of many tiny MIME
 * parts (a "MIME bomb"), so that tests can check that relance bounds its
 * MIME parsing before the parser builds the tree.
 *
 *   mime_bomb PARTS [HEADER-FILE]
 *
 * HEADER-FILE holds the message's own header fields (From, To, Subject,
 * In-Reply-To...); without it a minimal set is written. The first part is
 * a short text (a dispute, so that a test can see it was still read);
 * every other part is an empty text/plain of 33 bytes with its delimiter.
 */
#include <stdio.h>
#include <stdlib.h>

int main(int argc, char **argv)
{
    long parts;
    int c;

    if (argc < 2 || (parts = strtol(argv[1], NULL, 10)) < 1) {
        fprintf(stderr, "usage: mime_bomb PARTS [HEADER-FILE]\n");
        return 2;
    }
    if (argc > 2) {
        FILE *f = fopen(argv[2], "r");
        if (f == NULL) {
            perror(argv[2]);
            return 1;
        }
        while ((c = getc(f)) != EOF) {
            if (c == '\n')
                putchar('\r');
            putchar(c);
        }
        fclose(f);
    } else {
        fputs("From: <stranger@example.net>\r\nTo: <relance@example.com>\r\nSubject: bomb\r\n", stdout);
    }
    fputs("MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"b\"\r\n\r\n", stdout);
    fputs("--b\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n"
          "Nous contestons cette facture : la livraison n'a jamais eu lieu.\r\n", stdout);
    for (long i = 1; i < parts; i++)
        fputs("--b\r\nContent-Type: text/plain\r\n\r\n", stdout);
    fputs("--b--\r\n", stdout);
    return ferror(stdout) ? 1 : 0;
}

/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * net.c - networks and matching an address against them (see net.h).
 */
#include "lib/net.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>

/* The prefix length after '/': a decimal number up to max_prefix. */
static bool read_prefix(const char *text, int max_prefix, int *out)
{
    char *end;
    long long p;

    errno = 0;
    p = strtoll(text, &end, 10);
    if (end == text || *end != '\0' || errno == ERANGE || p < 0 || p > max_prefix)
        return false;
    *out = (int)p;
    return true;
}

bool network_parse(const char *text, struct network *out)
{
    char addr[INET6_ADDRSTRLEN + 1];
    const char *slash = strchr(text, '/');
    size_t n = slash ? (size_t)(slash - text) : strlen(text);
    int max_prefix;

    if (n == 0 || n >= sizeof addr)
        return false;
    memcpy(addr, text, n);
    addr[n] = '\0';
    memset(out, 0, sizeof *out);
    if (inet_pton(AF_INET, addr, out->addr) == 1) {
        out->family = AF_INET;
        max_prefix = 32;
    } else if (inet_pton(AF_INET6, addr, out->addr) == 1) {
        out->family = AF_INET6;
        max_prefix = 128;
    } else {
        return false;
    }
    out->prefix = max_prefix;
    return slash == NULL || read_prefix(slash + 1, max_prefix, &out->prefix);
}

void network_format(const struct network *net, struct strbuf *out)
{
    char text[INET6_ADDRSTRLEN];
    int max = net->family == AF_INET ? 32 : 128;

    inet_ntop(net->family, net->addr, text, sizeof text);
    strbuf_puts(out, text);
    if (net->prefix != max)
        strbuf_printf(out, "/%d", net->prefix);
}

void network_list_add(struct network_list *list, const struct network *net)
{
    list->items = xrealloc(list->items, (list->count + 1) * sizeof *list->items);
    list->items[list->count++] = *net;
}

void network_list_clear(struct network_list *list)
{
    free(list->items);
    list->items = NULL;
    list->count = 0;
}

static bool prefix_match(const uint8_t *a, const uint8_t *b, int prefix)
{
    int full = prefix / 8, rest = prefix % 8;

    if (memcmp(a, b, (size_t)full) != 0)
        return false;
    if (rest == 0)
        return true;
    return ((a[full] ^ b[full]) & (uint8_t)(0xff << (8 - rest))) == 0;
}

/* The address of sa as the lists hold it; false for other families. */
static bool address_of(const struct sockaddr *sa, int *family, uint8_t addr[16])
{
    if (sa->sa_family == AF_INET) {
        memcpy(addr, &((const struct sockaddr_in *)sa)->sin_addr, 4);
        *family = AF_INET;
        return true;
    }
    if (sa->sa_family == AF_INET6) {
        const struct in6_addr *a6 = &((const struct sockaddr_in6 *)sa)->sin6_addr;
        /* An IPv4 client seen through an IPv6 socket is an IPv4 client. */
        if (IN6_IS_ADDR_V4MAPPED(a6)) {
            memcpy(addr, &a6->s6_addr[12], 4);
            *family = AF_INET;
        } else {
            memcpy(addr, a6->s6_addr, 16);
            *family = AF_INET6;
        }
        return true;
    }
    return false;
}

bool network_list_contains(const struct network_list *list, const struct sockaddr *sa)
{
    uint8_t addr[16];
    int family;

    if (sa == NULL || !address_of(sa, &family, addr))
        return false;
    for (size_t i = 0; i < list->count; i++)
        if (list->items[i].family == family && prefix_match(list->items[i].addr, addr, list->items[i].prefix))
            return true;
    return false;
}

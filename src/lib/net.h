/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * net.h - IPv4 and IPv6 networks ("10.0.0.0/8", "2001:db8::/32", or a
 * single address), lists of them, and whether a client's address falls in
 * one: what InternalHosts is made of.
 *
 * The milter is the one that asks whether a client is internal, but the
 * list is read while the configuration snapshot is built (core/config.c),
 * and a layer may only use the layers below it: so reading and matching
 * live here, in lib, within reach of both, and know nothing of either.
 */
#ifndef RELANCE_NET_H
#define RELANCE_NET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#include "lib/util.h"

/* One network: an address and how many of its leading bits count. */
struct network {
    int family; /* AF_INET or AF_INET6 */
    uint8_t addr[16];
    int prefix;
};

struct network_list {
    struct network *items;
    size_t count;
};

/* Reads "ADDRESS" or "ADDRESS/PREFIX"; false when it is neither. */
bool network_parse(const char *text, struct network *out);
/* Writes it back: the address, and "/PREFIX" unless it is a single host. */
void network_format(const struct network *net, struct strbuf *out);

void network_list_add(struct network_list *list, const struct network *net);
/* Frees the entries; the list is then empty. */
void network_list_clear(struct network_list *list);
/* Whether sa (AF_INET or AF_INET6; an IPv4-mapped IPv6 address counts as
 * IPv4) is in one of the networks; false for NULL or another family. */
bool network_list_contains(const struct network_list *list, const struct sockaddr *sa);

#endif

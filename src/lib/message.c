/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * message.c - GMime parsing and the bounded part walk (see message.h).
 *
 * GMime objects never leave this file. Each walk decodes one part at a
 * time into a memory stream that lives only while the callback runs.
 */
#include "lib/message.h"

#include <gmime/gmime.h>
#include <string.h>

struct message {
    GMimeMessage *gm;
};

void message_library_init(void)
{
    g_mime_init();
}

struct message *message_parse(const char *data, size_t len)
{
    GMimeStream *stream;
    GMimeParser *parser;
    GMimeMessage *gm;
    struct message *msg;

    stream = g_mime_stream_mem_new_with_buffer(data, len);
    parser = g_mime_parser_new_with_stream(stream);
    g_mime_parser_set_format(parser, GMIME_FORMAT_MESSAGE);
    gm = g_mime_parser_construct_message(parser, NULL);
    g_object_unref(parser);
    g_object_unref(stream);
    if (gm == NULL)
        return NULL;
    msg = xcalloc(1, sizeof *msg);
    msg->gm = gm;
    return msg;
}

struct message *message_parse_bounded(const char *data, size_t len, const struct message_walk_limits *limits,
                                      struct mime_scan_result *scan)
{
    mime_scan(data, len, limits->max_parts, limits->max_depth, scan);
    return message_parse(data, scan->keep);
}

void message_free(struct message *msg)
{
    if (msg == NULL)
        return;
    g_object_unref(msg->gm);
    free(msg);
}

char *message_header(struct message *msg, const char *name)
{
    const char *value = g_mime_object_get_header(GMIME_OBJECT(msg->gm), name);
    char *decoded, *copy;

    if (value == NULL)
        return NULL;
    decoded = g_mime_utils_header_decode_text(NULL, value);
    copy = xstrdup(decoded ? decoded : value);
    g_free(decoded);
    return copy;
}

char *message_decode_header_text(const char *value, size_t len)
{
    char *raw = xstrndup(value, len);
    char *decoded = g_mime_utils_header_decode_text(NULL, raw);
    char *copy = xstrdup(decoded ? decoded : raw);

    g_free(decoded);
    free(raw);
    return copy;
}

char *message_id(struct message *msg)
{
    const char *id = g_mime_message_get_message_id(msg->gm);
    return id ? xstrdup(id) : NULL;
}

static void collect_addresses(InternetAddressList *list, struct strlist *out, int depth)
{
    int n = list ? internet_address_list_length(list) : 0;

    for (int i = 0; i < n && depth < 4; i++) {
        InternetAddress *ia = internet_address_list_get_address(list, i);
        if (INTERNET_ADDRESS_IS_MAILBOX(ia)) {
            const char *addr = internet_address_mailbox_get_addr(INTERNET_ADDRESS_MAILBOX(ia));
            if (addr && *addr)
                strlist_add(out, addr);
        } else if (INTERNET_ADDRESS_IS_GROUP(ia)) {
            collect_addresses(internet_address_group_get_members(INTERNET_ADDRESS_GROUP(ia)), out, depth + 1);
        }
    }
}

void message_header_addresses(struct message *msg, const char *name, struct strlist *out)
{
    const char *value = g_mime_object_get_header(GMIME_OBJECT(msg->gm), name);
    InternetAddressList *list;

    if (value == NULL)
        return;
    list = internet_address_list_parse(NULL, value);
    if (list == NULL)
        return;
    collect_addresses(list, out, 0);
    g_object_unref(list);
}

struct walk_state {
    const struct message_walk_limits *limits;
    message_part_fn fn;
    void *ctx;
    struct strlist *notes;
    int visited;
    bool count_noted;
    bool depth_noted;
};

static void walk_object(struct walk_state *ws, GMimeObject *obj, int depth, bool in_attached);

static void visit_leaf(struct walk_state *ws, GMimePart *part, int depth, bool in_attached)
{
    GMimeObject *obj = GMIME_OBJECT(part);
    GMimeContentType *ct = g_mime_object_get_content_type(obj);
    GMimeContentDisposition *cd = g_mime_object_get_content_disposition(obj);
    GMimeDataWrapper *content = g_mime_part_get_content(part);
    struct message_part mp;
    GMimeStream *mem;
    GByteArray *bytes;
    char *mime_type;

    if (content == NULL)
        return;
    mime_type = ct ? g_mime_content_type_get_mime_type(ct) : g_strdup("text/plain");
    for (char *p = mime_type; *p; p++)
        *p = g_ascii_tolower(*p);
    mem = g_mime_stream_mem_new();
    if (g_mime_data_wrapper_write_to_stream(content, mem) < 0) {
        strlist_addf(ws->notes, "part %s: cannot decode its content", mime_type);
        goto out;
    }
    bytes = g_mime_stream_mem_get_byte_array(GMIME_STREAM_MEM(mem));
    if (bytes->len > ws->limits->max_part_size) {
        strlist_addf(ws->notes, "part %s of %u bytes skipped (larger than %zu)", mime_type,
                     bytes->len, ws->limits->max_part_size);
        goto out;
    }
    memset(&mp, 0, sizeof mp);
    mp.mime_type = mime_type;
    mp.filename = g_mime_part_get_filename(part);
    mp.charset = ct ? g_mime_content_type_get_parameter(ct, "charset") : NULL;
    mp.data = bytes->len ? (const char *)bytes->data : "";
    mp.len = bytes->len;
    mp.depth = depth;
    mp.in_attached_message = in_attached;
    mp.is_attachment = mp.filename != NULL ||
                       (cd && g_ascii_strcasecmp(g_mime_content_disposition_get_disposition(cd), "attachment") == 0);
    ws->fn(&mp, ws->ctx);
out:
    g_object_unref(mem);
    g_free(mime_type);
}

static void walk_object(struct walk_state *ws, GMimeObject *obj, int depth, bool in_attached)
{
    if (obj == NULL)
        return;
    if (depth > ws->limits->max_depth) {
        if (!ws->depth_noted)
            strlist_addf(ws->notes, "parts nested deeper than %d skipped", ws->limits->max_depth);
        ws->depth_noted = true;
        return;
    }
    if (ws->visited >= ws->limits->max_parts) {
        if (!ws->count_noted)
            strlist_addf(ws->notes, "parts after the first %d skipped", ws->limits->max_parts);
        ws->count_noted = true;
        return;
    }
    ws->visited++;
    if (GMIME_IS_MULTIPART(obj)) {
        GMimeMultipart *mp = GMIME_MULTIPART(obj);
        int n = g_mime_multipart_get_count(mp);
        for (int i = 0; i < n; i++)
            walk_object(ws, g_mime_multipart_get_part(mp, i), depth + 1, in_attached);
    } else if (GMIME_IS_MESSAGE_PART(obj)) {
        GMimeMessage *inner = g_mime_message_part_get_message(GMIME_MESSAGE_PART(obj));
        if (inner)
            walk_object(ws, g_mime_message_get_mime_part(inner), depth + 1, true);
    } else if (GMIME_IS_PART(obj)) {
        visit_leaf(ws, GMIME_PART(obj), depth, in_attached);
    }
    /* message/partial and anything else: nothing to read. */
}

int message_walk(struct message *msg, const struct message_walk_limits *limits, message_part_fn fn,
                 void *ctx, struct strlist *notes)
{
    struct walk_state ws;

    memset(&ws, 0, sizeof ws);
    ws.limits = limits;
    ws.fn = fn;
    ws.ctx = ctx;
    ws.notes = notes;
    walk_object(&ws, g_mime_message_get_mime_part(msg->gm), 0, false);
    return ws.visited;
}

char *message_part_text_utf8(const struct message_part *part)
{
    const char *charset = part->charset;
    gchar *converted = NULL;
    gchar *valid;
    char *result;

    if (charset != NULL && g_ascii_strcasecmp(charset, "utf-8") != 0 &&
        g_ascii_strcasecmp(charset, "us-ascii") != 0) {
        const char *iconv_name = g_mime_charset_iconv_name(charset);
        converted = g_convert_with_fallback(part->data, (gssize)part->len, "UTF-8", iconv_name, "?",
                                            NULL, NULL, NULL);
    }
    if (converted == NULL && !g_utf8_validate(part->data, (gssize)part->len, NULL) && charset == NULL)
        /* Undeclared 8-bit text is most often Windows-1252 in practice. */
        converted = g_convert_with_fallback(part->data, (gssize)part->len, "UTF-8", "WINDOWS-1252", "?",
                                            NULL, NULL, NULL);
    if (converted != NULL) {
        valid = g_utf8_make_valid(converted, -1);
        g_free(converted);
    } else {
        valid = g_utf8_make_valid(part->data, (gssize)part->len);
    }
    result = xstrdup(valid);
    g_free(valid);
    return result;
}

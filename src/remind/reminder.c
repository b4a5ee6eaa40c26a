/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * reminder.c - the reminder as a MIME message (see reminder.h). GMime
 * objects never leave this file.
 */
#include "remind/reminder.h"

#include <gmime/gmime.h>
#include <sodium.h>
#include <string.h>

void reminder_new_message_id(const char *address, char out[REMINDER_MESSAGE_ID_MAX])
{
    const char *at = address ? strrchr(address, '@') : NULL;
    unsigned char random[16];
    char hex[33];

    randombytes_buf(random, sizeof random);
    sodium_bin2hex(hex, sizeof hex, random, sizeof random);
    str_format(out, REMINDER_MESSAGE_ID_MAX, "relance.%s@%s", hex, at && at[1] ? at + 1 : "localhost");
}

static void add_mailbox(GMimeMessage *msg, GMimeAddressType type, const char *name, const char *address)
{
    InternetAddressList *list = g_mime_message_get_addresses(msg, type);
    internet_address_list_add(list, internet_address_mailbox_new(name ? name : "", address));
}

static GMimePart *text_part(const char *subtype, const char *content)
{
    GMimePart *part = g_mime_part_new_with_type("text", subtype);
    GMimeStream *stream = g_mime_stream_mem_new_with_buffer(content, strlen(content));
    GMimeDataWrapper *wrapper = g_mime_data_wrapper_new_with_stream(stream, GMIME_CONTENT_ENCODING_DEFAULT);

    g_mime_object_set_content_type_parameter(GMIME_OBJECT(part), "charset", "utf-8");
    g_mime_part_set_content(part, wrapper);
    g_mime_part_set_content_encoding(part, GMIME_CONTENT_ENCODING_QUOTEDPRINTABLE);
    g_object_unref(wrapper);
    g_object_unref(stream);
    return part;
}

static GMimeObject *attachment_part(const struct reminder_attachment *a)
{
    GMimeStream *stream = g_mime_stream_mem_new_with_buffer(a->data, a->len);
    GMimeContentType *type = g_mime_content_type_parse(NULL, a->mime_type);
    GMimeContentDisposition *cd;
    GMimeObject *obj;

    if (strcmp(a->mime_type, "message/rfc822") == 0) {
        GMimeParser *parser = g_mime_parser_new_with_stream(stream);
        GMimeMessage *inner = g_mime_parser_construct_message(parser, NULL);
        GMimeMessagePart *mp = g_mime_message_part_new_with_message("rfc822", inner);
        obj = GMIME_OBJECT(mp);
        if (inner)
            g_object_unref(inner);
        g_object_unref(parser);
    } else {
        GMimePart *part = g_mime_part_new_with_type(g_mime_content_type_get_media_type(type),
                                                     g_mime_content_type_get_media_subtype(type));
        GMimeDataWrapper *wrapper = g_mime_data_wrapper_new_with_stream(stream, GMIME_CONTENT_ENCODING_DEFAULT);
        g_mime_part_set_content(part, wrapper);
        g_mime_part_set_content_encoding(part, GMIME_CONTENT_ENCODING_BASE64);
        g_object_unref(wrapper);
        obj = GMIME_OBJECT(part);
    }
    cd = g_mime_content_disposition_new();
    g_mime_content_disposition_set_disposition(cd, GMIME_DISPOSITION_ATTACHMENT);
    g_mime_content_disposition_set_parameter(cd, "filename", a->filename);
    g_mime_object_set_content_disposition(obj, cd);
    g_object_unref(cd);
    g_object_unref(type);
    g_object_unref(stream);
    return obj;
}

/* The HTML part, with the image it shows when there is one: an inline
 * part named by its Content-ID, in multipart/related (RFC 2387) whose
 * root is the HTML. */
static GMimeObject *html_with_image(const struct reminder_mail *m)
{
    GMimePart *html = text_part("html", m->html);
    GMimeMultipart *related;
    GMimePart *image;
    GMimeStream *stream;
    GMimeDataWrapper *wrapper;
    GMimeContentType *type;

    if (m->html_image == NULL || m->html_image_id == NULL)
        return GMIME_OBJECT(html);
    related = g_mime_multipart_new_with_subtype("related");
    g_mime_object_set_content_type_parameter(GMIME_OBJECT(related), "type", "text/html");
    g_mime_multipart_add(related, GMIME_OBJECT(html));
    g_object_unref(html);
    type = g_mime_content_type_parse(NULL, m->html_image->mime_type);
    image = g_mime_part_new_with_type(g_mime_content_type_get_media_type(type),
                                      g_mime_content_type_get_media_subtype(type));
    stream = g_mime_stream_mem_new_with_buffer(m->html_image->data, m->html_image->len);
    wrapper = g_mime_data_wrapper_new_with_stream(stream, GMIME_CONTENT_ENCODING_DEFAULT);
    g_mime_part_set_content(image, wrapper);
    g_mime_part_set_content_encoding(image, GMIME_CONTENT_ENCODING_BASE64);
    g_mime_object_set_content_id(GMIME_OBJECT(image), m->html_image_id);
    g_mime_object_set_disposition(GMIME_OBJECT(image), GMIME_DISPOSITION_INLINE);
    if (m->html_image->filename)
        g_mime_part_set_filename(image, m->html_image->filename);
    g_mime_multipart_add(related, GMIME_OBJECT(image));
    g_object_unref(wrapper);
    g_object_unref(stream);
    g_object_unref(type);
    g_object_unref(image);
    return GMIME_OBJECT(related);
}

static GMimeObject *build_body(const struct reminder_mail *m)
{
    GMimeMultipart *alternative = g_mime_multipart_new_with_subtype("alternative");
    GMimeMultipart *mixed;
    GMimePart *text = text_part("plain", m->text);
    GMimeObject *html = html_with_image(m);

    g_mime_multipart_add(alternative, GMIME_OBJECT(text));
    g_mime_multipart_add(alternative, html);
    g_object_unref(text);
    g_object_unref(html);
    if (m->attachment_count == 0)
        return GMIME_OBJECT(alternative);
    mixed = g_mime_multipart_new_with_subtype("mixed");
    g_mime_multipart_add(mixed, GMIME_OBJECT(alternative));
    g_object_unref(alternative);
    for (size_t i = 0; i < m->attachment_count; i++) {
        GMimeObject *part = attachment_part(&m->attachments[i]);
        g_mime_multipart_add(mixed, part);
        g_object_unref(part);
    }
    return GMIME_OBJECT(mixed);
}

static void set_references(GMimeMessage *msg, const struct strlist *refs)
{
    struct strbuf sb;

    if (refs == NULL || refs->count == 0)
        return;
    strbuf_init(&sb);
    for (size_t i = 0; i < refs->count; i++)
        strbuf_printf(&sb, "%s<%s>", i ? " " : "", refs->items[i]);
    g_mime_object_set_header(GMIME_OBJECT(msg), "References", sb.data, NULL);
    strbuf_reset(&sb);
    /* The reply is to the most recent invoice message. */
    strbuf_printf(&sb, "<%s>", refs->items[refs->count - 1]);
    g_mime_object_set_header(GMIME_OBJECT(msg), "In-Reply-To", sb.data, NULL);
    strbuf_free(&sb);
}

/* The Date header's time, at the offset m->zone has then: GLib's "local"
 * zone would be the process's TZ, which relance never sets. */
static GDateTime *mail_date(const struct reminder_mail *m)
{
    GTimeZone *tz = g_time_zone_new_offset(calendar_zone_offset(m->zone, m->date));
    GDateTime *utc = g_date_time_new_from_unix_utc((gint64)m->date);
    GDateTime *date = g_date_time_to_timezone(utc, tz);

    g_date_time_unref(utc);
    g_time_zone_unref(tz);
    return date;
}

char *reminder_build(const struct reminder_mail *m, size_t *len)
{
    GMimeMessage *msg = g_mime_message_new(TRUE);
    GMimeObject *body = build_body(m);
    GDateTime *date = mail_date(m);
    GMimeFormatOptions *options = g_mime_format_options_clone(NULL);
    char *text, *copy;

    add_mailbox(msg, GMIME_ADDRESS_TYPE_FROM, m->from_name, m->from_address);
    add_mailbox(msg, GMIME_ADDRESS_TYPE_TO, m->to_name, m->to_address);
    if (m->reply_to)
        add_mailbox(msg, GMIME_ADDRESS_TYPE_REPLY_TO, NULL, m->reply_to);
    g_mime_message_set_subject(msg, m->subject, "utf-8");
    g_mime_message_set_date(msg, date);
    g_mime_message_set_message_id(msg, m->message_id);
    set_references(msg, m->references);
    g_mime_object_set_header(GMIME_OBJECT(msg), "Auto-Submitted", "auto-generated", NULL);
    g_mime_object_set_header(GMIME_OBJECT(msg), REMINDER_MARKER_HEADER, m->marker, NULL);
    if (m->language)
        g_mime_object_set_header(GMIME_OBJECT(msg), "Content-Language", m->language, NULL);
    if (m->redirected_from)
        g_mime_object_set_header(GMIME_OBJECT(msg), REMINDER_REDIRECT_HEADER, m->redirected_from, NULL);
    g_mime_message_set_mime_part(msg, body);
    g_mime_format_options_set_newline_format(options, GMIME_NEWLINE_FORMAT_UNIX);
    text = g_mime_object_to_string(GMIME_OBJECT(msg), options);
    copy = xstrdup(text ? text : "");
    *len = strlen(copy);
    g_free(text);
    g_mime_format_options_free(options);
    g_date_time_unref(date);
    g_object_unref(body);
    g_object_unref(msg);
    return copy;
}

package org.postern.mail.webmail;

import org.postern.mail.render.RenderedMessage;

/** One message for reading: its envelope, a few more header fields, and its rendered body. */
public record MessageView(Envelope envelope, String replyTo, String messageIdHeader, RenderedMessage body) {}

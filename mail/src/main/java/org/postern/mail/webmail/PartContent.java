package org.postern.mail.webmail;

/**
 * An attachment or inline image ready to serve.
 *
 * @param filename safe for every OS
 * @param contentType the type to serve it as: the declared one only if passive, else application/octet-stream
 */
public record PartContent(String filename, String contentType, byte[] bytes) {}

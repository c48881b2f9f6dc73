package org.postern.model;

/**
 * Every failure Postern reports on purpose. The message is written for the operator's log;
 * protocol front ends map the subtype to a fixed, generic reply and never show the message.
 */
public sealed abstract class PosternException extends RuntimeException
        permits NotFoundException, ConflictException, InvalidInputException, AccessDeniedException,
                IntegrityException, UnavailableException {

    protected PosternException(String message) {
        super(message);
    }

    protected PosternException(String message, Throwable cause) {
        super(message, cause);
    }
}

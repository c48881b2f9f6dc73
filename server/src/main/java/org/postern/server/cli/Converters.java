package org.postern.server.cli;

import org.postern.model.DomainName;
import org.postern.model.EmailAddress;
import org.postern.model.InvalidInputException;
import org.postern.model.Role;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** Argument converters: malformed input is a usage error (exit 2) with the reason. */
final class Converters {
    private Converters() {}

    static final class Email implements ITypeConverter<EmailAddress> {
        @Override
        public EmailAddress convert(String value) {
            try {
                return EmailAddress.parse(value);
            } catch (InvalidInputException e) {
                throw new TypeConversionException(e.getMessage());
            }
        }
    }

    static final class Domain implements ITypeConverter<DomainName> {
        @Override
        public DomainName convert(String value) {
            try {
                return DomainName.parse(value);
            } catch (InvalidInputException e) {
                throw new TypeConversionException(e.getMessage());
            }
        }
    }

    static final class RoleName implements ITypeConverter<Role> {
        @Override
        public Role convert(String value) {
            try {
                return Role.parse(value);
            } catch (InvalidInputException e) {
                throw new TypeConversionException(e.getMessage());
            }
        }
    }
}

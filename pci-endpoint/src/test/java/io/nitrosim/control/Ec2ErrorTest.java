package io.nitrosim.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.Set;

import org.junit.jupiter.api.Test;

class Ec2ErrorTest
{
    @Test
    void shouldKeepEveryCodeOnceAndFindItByCode()
    {
        final Set<String> codes = new HashSet<>();
        for (final Ec2Error e : Ec2Error.values())
        {
            assertTrue(codes.add(e.code()), "duplicate code " + e.code());
            assertSame(e, Ec2Error.of(e.code()));
            assertFalse(e.description().isBlank(), e.code());
            assertTrue(e.httpStatus() >= 400 && e.httpStatus() < 600, e.code() + " " + e.httpStatus());
        }
        final IllegalArgumentException unknown = assertThrows(IllegalArgumentException.class, () -> Ec2Error.of("Nope"));
        assertEquals("no EC2 error code \"Nope\" in the table", unknown.getMessage());
    }

    @Test
    void shouldCarryTheStatusesEc2AndAwsDocument()
    {
        assertEquals(400, Ec2Error.ATTACHMENT_LIMIT_EXCEEDED.httpStatus());
        assertEquals(400, Ec2Error.PRIVATE_IP_ADDRESS_LIMIT_EXCEEDED.httpStatus());
        assertEquals(400, Ec2Error.SECURITY_GROUPS_PER_INTERFACE_LIMIT_EXCEEDED.httpStatus());
        assertEquals(400, Ec2Error.INSUFFICIENT_FREE_ADDRESSES_IN_SUBNET.httpStatus());
        assertEquals(400, Ec2Error.INVALID_INSTANCE_ID_NOT_FOUND.httpStatus());
        assertEquals(401, Ec2Error.AUTH_FAILURE.httpStatus());
        assertEquals(403, Ec2Error.UNAUTHORIZED_OPERATION.httpStatus());
        assertEquals(500, Ec2Error.INSUFFICIENT_INSTANCE_CAPACITY.httpStatus()); // a server error on EC2's page
        assertEquals(500, Ec2Error.INTERNAL_ERROR.httpStatus());
        assertTrue(Ec2Error.VOLUME_IN_USE.isClientError());
        assertFalse(Ec2Error.INSUFFICIENT_INSTANCE_CAPACITY.isClientError());
        assertEquals("You've reached the limit on the number of Amazon EBS volumes or network interfaces that can be "
            + "attached to a single instance.", Ec2Error.ATTACHMENT_LIMIT_EXCEEDED.description());
    }

    @Test
    void shouldNameTheCodeInTheMessageAndKeepTheDetailForTheApi()
    {
        final Ec2Exception ex = new Ec2Exception(Ec2Error.ATTACHMENT_LIMIT_EXCEEDED, "Interface count 4 exceeds the limit");
        assertEquals("AttachmentLimitExceeded: Interface count 4 exceeds the limit", ex.getMessage());
        assertEquals("Interface count 4 exceeds the limit", ex.detail());
        assertEquals("AttachmentLimitExceeded", ex.code());
        assertEquals(400, ex.httpStatus());
        final Ec2Exception plain = new Ec2Exception(Ec2Error.INTERNAL_ERROR, null);
        assertEquals(Ec2Error.INTERNAL_ERROR.description(), plain.detail());
        assertEquals("InternalError: " + Ec2Error.INTERNAL_ERROR.description(), plain.getMessage());
    }
}

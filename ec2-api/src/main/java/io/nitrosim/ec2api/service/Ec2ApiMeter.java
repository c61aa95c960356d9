package io.nitrosim.ec2api.service;

import io.nitrosim.metrics.MeterDescriptor;
import io.nitrosim.metrics.MeterSpec;

/** The EC2 API's own meters. */
public enum Ec2ApiMeter implements MeterDescriptor
{
    CALLS(MeterSpec.counter("ec2.api.calls", "EC2 API requests by action (none or unknown when the request names "
        + "none this endpoint serves) and outcome (OK or the EC2 error code)", "action", "outcome"));

    private final MeterSpec spec;

    Ec2ApiMeter(final MeterSpec spec)
    {
        this.spec = spec;
    }

    @Override
    public MeterSpec spec()
    {
        return spec;
    }
}

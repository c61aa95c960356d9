package io.nitrosim.hypervisor;

/** The result of a lifecycle action, as EC2's InstanceStateChange: previous and current state. */
public record StateChange(String instanceId, InstanceState previousState, InstanceState currentState)
{
    public boolean changed()
    {
        return previousState != currentState;
    }

    @Override
    public String toString()
    {
        return instanceId + ": " + previousState + " (" + previousState.code() + ") -> " + currentState
            + " (" + currentState.code() + ")";
    }
}

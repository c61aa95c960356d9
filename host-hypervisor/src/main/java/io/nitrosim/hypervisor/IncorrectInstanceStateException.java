package io.nitrosim.hypervisor;

import java.util.Set;
import java.util.StringJoiner;

import io.nitrosim.control.Ec2Error;

/** An action the instance's current state does not allow (EC2's IncorrectInstanceState); nothing changed. */
public final class IncorrectInstanceStateException extends HypervisorException
{
    private static final long serialVersionUID = 1L;
    public static final String ERROR_CODE = Ec2Error.INCORRECT_INSTANCE_STATE.code();

    private final String instanceId;
    private final InstanceState currentState;
    private final InstanceAction action;

    public IncorrectInstanceStateException(
        final String instanceId, final InstanceState currentState, final InstanceAction action)
    {
        super(Ec2Error.INCORRECT_INSTANCE_STATE, "The instance '" + instanceId + "' is not in a state from which it can be " + action.verbPhrase()
            + ": it is " + currentState.ec2Name() + " (" + currentState.code() + "); " + action.actionName()
            + " is allowed when " + join(action.allowedFrom()));
        this.instanceId = instanceId;
        this.currentState = currentState;
        this.action = action;
    }

    public String instanceId()
    {
        return instanceId;
    }

    public InstanceState currentState()
    {
        return currentState;
    }

    public InstanceAction action()
    {
        return action;
    }

    private static String join(final Set<InstanceState> states)
    {
        final InstanceState[] all = states.toArray(new InstanceState[0]);
        final StringJoiner joiner = new StringJoiner(", ");
        for (int i = 0; i < all.length; i++)
        {
            if (i > 0 && i == all.length - 1)
            {
                return joiner + " or " + all[i].ec2Name();
            }
            joiner.add(all[i].ec2Name());
        }
        return joiner.toString();
    }
}

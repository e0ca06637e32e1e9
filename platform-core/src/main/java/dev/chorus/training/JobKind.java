package dev.chorus.training;

/**
 * A kind of work a run can be (backbone pretraining, ensemble stacking, …). Implementations are
 * CDI beans; the scheduler finds them by {@link #name()}. A job calls
 * {@link RunContext#checkCancelled()} at least once per training step: that is how cancel and
 * a lost lease stop it promptly.
 */
public interface JobKind {

    String name();

    void run(RunContext context) throws Exception;
}

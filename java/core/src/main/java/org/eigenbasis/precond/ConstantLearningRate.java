package org.eigenbasis.precond;

/** The configured learning rate at every step: what an optimizer runs until {@code setSchedule} replaces it. */
record ConstantLearningRate(double lr) implements LearningRateSchedule {
    ConstantLearningRate {
        Checks.nonNegative("lr", lr);
    }

    @Override
    public double lr(long step) {
        return lr;
    }
}

package io.varta.watch.tracker;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class RejectBudgetTest
{
    private static final long SECOND = 1_000_000_000L;

    @Test
    void aSenderGetsItsBurstThenRefillsAtItsRate()
    {
        final RejectBudget budget = new RejectBudget();
        for (int i = 0; i < RejectBudget.BURST; i++)
        {
            assertEquals(RejectBudget.WITHIN, budget.charge(42, 0), "rejection " + i);
        }
        assertEquals(RejectBudget.EXHAUSTED, budget.charge(42, 0));
        final long oneToken = SECOND / RejectBudget.RATE_PER_SECOND;
        assertEquals(RejectBudget.EXHAUSTED, budget.charge(42, oneToken - 1));
        assertEquals(RejectBudget.WITHIN, budget.charge(42, oneToken));
        assertEquals(RejectBudget.EXHAUSTED, budget.charge(42, oneToken));
    }

    @Test
    void anExhaustedSenderDoesNotSpendAnotherSendersBudget()
    {
        final RejectBudget budget = new RejectBudget();
        for (int i = 0; i < 10 * RejectBudget.BURST; i++)
        {
            budget.charge(7, 0);
        }
        assertEquals(RejectBudget.EXHAUSTED, budget.charge(7, 0));
        assertEquals(RejectBudget.WITHIN, budget.charge(8, 0));
    }

    @Test
    void aFullTableSendsNewcomersToTheGlobalBucketUntilAnEntryIsIdle()
    {
        final RejectBudget budget = new RejectBudget();
        for (int pid = 1; pid <= 4 * RejectBudget.SLOTS; pid++)
        {
            budget.charge(pid, 0);
        }
        int untracked = 0;
        for (int pid = 1_000_000; pid < 1_000_000 + 64; pid++)
        {
            if (RejectBudget.UNTRACKED == budget.charge(pid, 0))
            {
                untracked++;
            }
        }
        assertEquals(64, untracked, "every probe window holds active senders");
        final long refilled = RejectBudget.BURST * SECOND / RejectBudget.RATE_PER_SECOND;
        assertEquals(RejectBudget.WITHIN, budget.charge(2_000_000, refilled), "idle entries are taken over");
    }
}

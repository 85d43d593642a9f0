package io.xceptionspark.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.xceptionspark.testing.SparkTestSession;
import org.junit.jupiter.api.Test;

/** How many scoring tasks a job's files are cut into. */
class ScoringPartitionsTest {
    @Test
    void aSmallJobGetsTasksPerCoreTasksForEverySlot() {
        // the case: 48 images on 2 cores made one partition of 48
        assertEquals(6, ScoringPartitions.count(48, 64, 3, 2));
        assertEquals(24, ScoringPartitions.count(48, 64, 3, 8));
    }

    @Test
    void aLargeJobIsCutByImagesPerPartition() {
        assertEquals(32, ScoringPartitions.count(2000, 64, 3, 2));
        assertEquals(1000, ScoringPartitions.count(100_000, 100, 3, 2));
    }

    @Test
    void neverAnEmptyTaskAndOneWhenThereAreNoFiles() {
        assertEquals(5, ScoringPartitions.count(5, 64, 3, 2));
        assertEquals(1, ScoringPartitions.count(1, 64, 3, 2));
        assertEquals(1, ScoringPartitions.count(0, 64, 3, 2));
    }

    @Test
    void theSlotsOfTheSession() {
        // local[2]: two task slots
        assertEquals(2, ScoringPartitions.taskSlots(SparkTestSession.get().sparkContext()));
    }
}

package dev.chorus.ensembles;

import java.util.List;

/**
 * What an admin writes: members are exact backbone versions ("name:version", their features are
 * concatenated in this order); an empty class list means all of the dataset's classes.
 */
public record EnsembleDefinition(String name, String description, List<String> members, HeadSpec head,
        String dataset, List<String> classes) {

    public EnsembleDefinition {
        description = description == null ? "" : description;
        members = members == null ? List.of() : List.copyOf(members);
        head = head == null ? HeadSpec.DEFAULT : head;
        classes = classes == null ? List.of() : List.copyOf(classes);
    }

    public EnsembleDefinition withClasses(List<String> newClasses) {
        return new EnsembleDefinition(name, description, members, head, dataset, newClasses);
    }

    /** Same definition apart from the name. */
    public boolean sameAs(EnsembleDefinition other) {
        return description.equals(other.description) && members.equals(other.members) && head.equals(other.head)
                && dataset.equals(other.dataset) && classes.equals(other.classes);
    }
}

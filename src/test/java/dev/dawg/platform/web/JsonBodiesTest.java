package dev.dawg.platform.web;

import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** A body whose large member is kept as the bytes sent: exactly those bytes, and only well-formed ones. */
class JsonBodiesTest {

    private final JsonBodies bodies = new JsonBodies(JsonMapper.builder().build());

    @Test
    void shouldKeepTheMembersObjectAsTheExactBytesSentAndParseTheOthers() {
        String document = "{ \"tracks\" : [ {\"name\": \"Bässe ♪\", \"gain\": -3.5e0} ],\n  \"tempo\":120 }";
        byte[] body = ("{\"title\":\"Song\", \"projectData\": " + document + " ,\"tags\":[\"a\"]}").getBytes(StandardCharsets.UTF_8);

        JsonBodies.ObjectWithRawMember read = bodies.parseKeepingRaw(body, "projectData");

        assertThat(new String(read.raw(), StandardCharsets.UTF_8)).isEqualTo(document);
        assertThat(read.members().propertyNames()).containsExactlyInAnyOrder("title", "tags");
        assertThat(read.members().get("title").stringValue()).isEqualTo("Song");
    }

    @Test
    void shouldLeaveAMemberThatIsNotAnObjectToTheOrdinaryChecks() {
        JsonBodies.ObjectWithRawMember read = bodies.parseKeepingRaw("{\"projectData\":[1,2]}".getBytes(StandardCharsets.UTF_8), "projectData");

        assertThat(read.raw()).isNull();
        assertThat(read.members().get("projectData").isArray()).isTrue();
    }

    @Test
    void shouldRefuseMalformedRepeatedOrTrailingJsonAsAMalformedRequest() {
        for (String body : new String[] { "{\"projectData\":{\"a\":1,}}", "{\"projectData\":{\"a\":1,\"a\":2}}",
                "{\"title\":\"x\",\"title\":\"y\"}", "{\"projectData\":{}} {}", "[1]", "{\"projectData\":{\"a\":" }) {
            assertThatThrownBy(() -> bodies.parseKeepingRaw(body.getBytes(StandardCharsets.UTF_8), "projectData"))
                    .as(body)
                    .isInstanceOfSatisfying(ApiProblem.class, problem -> assertThat(problem.code()).isEqualTo("MALFORMED_REQUEST"));
        }
    }
}

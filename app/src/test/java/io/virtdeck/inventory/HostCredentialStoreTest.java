package io.virtdeck.inventory;

import java.util.Base64;

import io.virtdeck.core.VirtdeckException;
import io.virtdeck.hypervisor.HostCredentials;
import io.virtdeck.security.SecretBox;
import io.virtdeck.security.SecretProperties;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

class HostCredentialStoreTest {

    @Test
    void aMisconfiguredSecretKeyStoresNothingAndSaysWhatToFix() {
        // no database: the material is encrypted before anything is written, and here it cannot be
        HostCredentialStore store = new HostCredentialStore(null, JsonMapper.builder().build(),
                new SecretBox(new SecretProperties(Base64.getEncoder().encodeToString(new byte[7]), null)), null);

        assertThatThrownBy(() -> store.save(1, new HostCredentials.StoredTls("ca".getBytes(), "cert".getBytes(),
                "key".getBytes()), "admin"))
                .isInstanceOf(VirtdeckException.class)
                .hasMessageContaining("cannot encrypt the credentials").hasMessageContaining("VIRTDECK_SECRET_KEY")
                .extracting("field").isEqualTo("credentials");
    }
}

# Builds Virtdeck from source and runs it. Used by docker-compose.yml.

FROM maven:3.9-eclipse-temurin-17 AS build
RUN apt-get update \
 && apt-get install -y --no-install-recommends nodejs npm \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY . .
RUN mvn -B -DskipTests install

FROM eclipse-temurin:17-jre
# libvirt0: the libvirt client library Virtdeck calls; openssh-client: for qemu+ssh:// host URIs.
RUN apt-get update \
 && apt-get install -y --no-install-recommends libvirt0 openssh-client \
 && rm -rf /var/lib/apt/lists/*
COPY --from=build /src/app/target/virtdeck.jar /opt/virtdeck/virtdeck.jar
ENV VIRTDECK_DATA_DIR=/var/lib/virtdeck
RUN mkdir -p /var/lib/virtdeck
EXPOSE 8080
ENTRYPOINT ["java", "-jar", "/opt/virtdeck/virtdeck.jar"]

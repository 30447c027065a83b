# handout serve in a minimal image: the static binary (scripts/dist), the handouts and
# profiles, and nothing else, run as a non-root user. Build and run:
#   docker build -t handout .
#   docker run --rm -p 8470:8470 -v "$PWD/token:/run/secrets/handout-token:ro" handout
# The server listens on all of the container's addresses, so it requires the token file
# (32 or more characters); put it behind a TLS reverse proxy (see README).
FROM rust:1.95-bookworm AS build
WORKDIR /src
COPY . .
RUN cp "$(./scripts/dist)" /handout && /handout --version

FROM scratch
COPY --from=build /handout /handout
COPY handouts /srv/handouts
COPY profiles /srv/profiles
USER 65532:65532
EXPOSE 8470
ENTRYPOINT ["/handout", "serve", "--handouts", "/srv/handouts", "--profiles", "/srv/profiles", \
            "--bind", "0.0.0.0:8470", "--token-file", "/run/secrets/handout-token"]

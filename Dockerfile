# sitrep is one static binary (modernc.org/sqlite is pure Go), so the image
# is a build stage and a slim runtime stage holding the binary and a data
# volume for the SQLite database. It needs no BuildKit features.

FROM golang:1.26-bookworm AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
RUN CGO_ENABLED=0 go build -trimpath -ldflags="-s -w" -o /out/sitrep ./cmd/sitrep

FROM debian:bookworm-slim
RUN useradd --system --uid 10001 --user-group --no-create-home --home-dir /data sitrep \
    && mkdir /data \
    && chown sitrep:sitrep /data
COPY --from=build /out/sitrep /sitrep
USER sitrep:sitrep
WORKDIR /data
VOLUME /data
ENV SITREP_DB=/data/sitrep.db \
    SITREP_ADDR=:8080
EXPOSE 8080
ENTRYPOINT ["/sitrep"]
CMD ["serve"]

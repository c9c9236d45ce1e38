#!/bin/sh
# Every topic of the catalogue (schemas' Topic) and its .dlq, 3 partitions, replication 1 on one host; the compacted
# ones compacted; and the ops record of dead-letter actions. Existing topics are left alone.
set -e
K="/opt/kafka/bin/kafka-topics.sh --bootstrap-server kafka:9092 --if-not-exists --create --replication-factor 1"
for t in pms.reservations pms.profiles crm.guest-merges crm.contact-updates crm.communications crm.tasks crm.erasures; do
  $K --topic "$t" --partitions 3
  $K --topic "$t.dlq" --partitions 3
done
for t in crm.guests crm.consents; do
  $K --topic "$t" --partitions 3 --config cleanup.policy=compact
  $K --topic "$t.dlq" --partitions 3
done
$K --topic crm.dead-letter-actions --partitions 1 --config cleanup.policy=compact
